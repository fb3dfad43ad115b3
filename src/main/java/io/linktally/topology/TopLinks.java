package io.linktally.topology;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Exact top links per window, kept as the events arrive rather than computed at query time, so a
 * top answer reads a few index entries however many URLs there are.
 *
 * <p>Each event adds to its URL's minute and hour buckets and to its URL's counts in every window
 * that still holds its bucket (one entry per URL for all windows, one dirty mark per URL). Once a
 * second (wall-clock time), buckets that have left a window are subtracted from its counts, and
 * the index entries of URLs whose window counts changed are rewritten: one delete and one put per
 * URL and metric per second, whatever its traffic, where rewriting on every event would write a
 * tombstone per click of a popular URL. A window subtracts
 * exactly what it added, because it adds an event only while its bucket is still inside.
 *
 * <p>Everything lives in one store of the counting task, so it changes in the same transaction as
 * the counts. Long scans run in chunks, so no pass holds more than {@link #CHUNK} entries.
 */
final class TopLinks {
    static final Duration INTERVAL = Duration.ofSeconds(1);
    static final int CHUNK = 10_000;
    private static final byte[] MARK = new byte[0];

    private final Map<TopWindow, Long> firstBuckets = new EnumMap<>(TopWindow.class);
    private boolean legacyFolded;
    private ProcessorContext<?, ?> context;
    private KeyValueStore<Bytes, byte[]> store;

    void init(ProcessorContext<?, ?> context) {
        this.context = context;
        store = context.getStateStore(TopologyNames.TOP_STORE);
        long now = context.currentSystemTimeMs();
        for (TopWindow window : TopWindow.values()) {
            byte[] first = store.get(TopKeys.cursor(window));
            firstBuckets.put(window, first == null ? window.firstBucket(now) : ByteBuffer.wrap(first).getLong());
        }
        context.schedule(INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::advance);
    }

    void add(String url, CountableEvent event, long recordTimestamp) {
        long time = event.timeOr(recordTimestamp);
        if (time > recordTimestamp + BucketedCounts.MAX_AHEAD_MS) {
            return;
        }
        LinkCounts one = LinkCounts.ZERO.plus(event.kind());
        boolean minuteTaken = false;
        boolean hourTaken = false;
        Bytes key = null;
        UrlWindows counts = null;
        for (TopWindow window : TopWindow.values()) {
            if (window.bucketStart(time) >= firstBuckets.get(window)) {
                if (counts == null) {
                    key = TopKeys.urlWindows(url);
                    counts = UrlWindows.decode(store.get(key));
                }
                counts.add(window, one);
                if (TopKeys.widthTag(window) == 'm') {
                    minuteTaken = true;
                } else {
                    hourTaken = true;
                }
            }
        }
        if (counts != null) {
            store.put(key, counts.encode());
            store.put(TopKeys.urlDirty(url), MARK);
        }
        if (minuteTaken) {
            addToBucket(TopWindow.HOUR, time, url, one);
        }
        if (hourTaken) {
            addToBucket(TopWindow.WEEK, time, url, one);
        }
    }

    private void addToBucket(TopWindow window, long time, String url, LinkCounts one) {
        Bytes key = TopKeys.bucket(window, window.bucketStart(time), url);
        store.put(key, encode(decode(store.get(key)).plus(one)));
    }

    /** Moves every window to the present, then rewrites the index entries that changed. */
    void advance(long now) {
        if (!legacyFolded) {
            foldLegacy();
            legacyFolded = true;
        }
        for (TopWindow window : TopWindow.values()) {
            long target = window.firstBucket(now);
            long first = firstBuckets.get(window);
            if (target > first) {
                expire(window, first, target);
                firstBuckets.put(window, target);
                store.put(TopKeys.cursor(window), ByteBuffer.allocate(Long.BYTES).putLong(target).array());
            }
        }
        reindex();
    }

    private void expire(TopWindow window, long from, long to) {
        Bytes next = TopKeys.bucketsFrom(window, from);
        Bytes end = TopKeys.bucketsFrom(window, to);
        boolean delete = window.longestOfItsBuckets();
        while (true) {
            List<KeyValue<Bytes, byte[]>> chunk = new ArrayList<>();
            try (KeyValueIterator<Bytes, byte[]> buckets = store.range(next, end)) {
                while (buckets.hasNext() && chunk.size() < CHUNK) {
                    chunk.add(buckets.next());
                }
            }
            for (KeyValue<Bytes, byte[]> bucket : chunk) {
                change(window, TopKeys.bucketUrl(bucket.key), negate(decode(bucket.value)));
                if (delete) {
                    store.delete(bucket.key);
                }
            }
            if (chunk.size() < CHUNK) {
                return;
            }
            // The next key after the last one read: the same bytes and one zero byte more.
            byte[] last = chunk.get(chunk.size() - 1).key.get();
            next = Bytes.wrap(Arrays.copyOf(last, last.length + 1));
        }
    }

    private void change(TopWindow window, String url, LinkCounts delta) {
        Bytes key = TopKeys.urlWindows(url);
        UrlWindows counts = UrlWindows.decode(store.get(key));
        counts.add(window, delta);
        store.put(key, counts.encode());
        store.put(TopKeys.urlDirty(url), MARK);
    }

    /**
     * Folds the first release's per-window entries and marks into the per-URL ones: a window's
     * current counts add to what events since the start put there, and its indexed counts are
     * what its index entries were written for. Runs before this task's first expiry and reindex.
     */
    private void foldLegacy() {
        drain(TopKeys.LEGACY_WINDOW, legacy -> {
            TopWindow window = TopKeys.legacyWindow(legacy.key);
            String url = TopKeys.legacyUrl(legacy.key);
            LegacyWindowCounts old = LegacyWindowCounts.decode(legacy.value);
            Bytes key = TopKeys.urlWindows(url);
            UrlWindows counts = UrlWindows.decode(store.get(key));
            counts.add(window, old.current);
            counts.setIndexed(window, old.indexed);
            store.put(key, counts.encode());
            store.put(TopKeys.urlDirty(url), MARK);
        });
        drain(TopKeys.LEGACY_DIRTY, legacy -> store.put(TopKeys.urlDirty(TopKeys.legacyUrl(legacy.key)), MARK));
    }

    /** Deletes every entry of a key space after handing it on, a chunk at a time, so no iterator sees its own writes. */
    private void drain(byte space, Consumer<KeyValue<Bytes, byte[]>> action) {
        while (true) {
            List<KeyValue<Bytes, byte[]>> chunk = new ArrayList<>();
            try (KeyValueIterator<Bytes, byte[]> entries = store.prefixScan(TopKeys.space(space), Serdes.Bytes().serializer())) {
                while (entries.hasNext() && chunk.size() < CHUNK) {
                    chunk.add(entries.next());
                }
            }
            for (KeyValue<Bytes, byte[]> entry : chunk) {
                store.delete(entry.key);
                action.accept(entry);
            }
            if (chunk.size() < CHUNK) {
                return;
            }
        }
    }

    private void reindex() {
        while (true) {
            List<Bytes> chunk = new ArrayList<>();
            try (KeyValueIterator<Bytes, byte[]> dirty = store.prefixScan(TopKeys.space(TopKeys.URL_DIRTY), Serdes.Bytes().serializer())) {
                while (dirty.hasNext() && chunk.size() < CHUNK) {
                    chunk.add(dirty.next().key);
                }
            }
            for (Bytes dirty : chunk) {
                String url = TopKeys.url(dirty);
                Bytes key = TopKeys.urlWindows(url);
                UrlWindows counts = UrlWindows.decode(store.get(key));
                for (TopWindow window : TopWindow.values()) {
                    LinkCounts indexed = counts.indexed(window);
                    LinkCounts current = counts.current(window);
                    for (TopMetric metric : TopMetric.values()) {
                        long was = metric.of(indexed);
                        long is = metric.of(current);
                        if (was != is) {
                            if (was > 0) {
                                store.delete(TopKeys.index(window, metric, was, url));
                            }
                            if (is > 0) {
                                store.put(TopKeys.index(window, metric, is, url), MARK);
                            }
                        }
                    }
                }
                counts.indexAll();
                if (counts.isEmpty()) {
                    store.delete(key);
                } else {
                    store.put(key, counts.encode());
                }
                store.delete(dirty);
            }
            if (chunk.size() < CHUNK) {
                return;
            }
        }
    }

    private static LinkCounts negate(LinkCounts counts) {
        return new LinkCounts(-counts.shares(), -counts.clicks(), -counts.botClicks());
    }

    private static LinkCounts decode(byte[] value) {
        return value == null ? LinkCounts.ZERO : LinkCounts.SERDE.deserializer().deserialize(null, value);
    }

    private static byte[] encode(LinkCounts counts) {
        return LinkCounts.SERDE.serializer().serialize(null, counts);
    }

    /** The first release's value of a URL's counts in one window, and the counts its index entries stood for. */
    private record LegacyWindowCounts(LinkCounts current, LinkCounts indexed) {
        static LegacyWindowCounts decode(byte[] value) {
            int half = value.length / 2;
            return new LegacyWindowCounts(TopLinks.decode(Arrays.copyOfRange(value, 0, half)),
                    TopLinks.decode(Arrays.copyOfRange(value, half, value.length)));
        }
    }
}
