package io.linktally.topology;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
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
 * <p>Each event adds to its URL's minute and hour buckets and to the window counts of every window
 * that still holds its bucket. Once a second (wall-clock time), buckets that have left a window are
 * subtracted from its counts, and the index entries of URLs whose window counts changed are
 * rewritten: one delete and one put per URL and metric per second, whatever its traffic, where
 * rewriting on every event would write a tombstone per click of a popular URL. A window subtracts
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
        for (TopWindow window : TopWindow.values()) {
            if (window.bucketStart(time) >= firstBuckets.get(window)) {
                change(window, url, one);
                if (TopKeys.widthTag(window) == 'm') {
                    minuteTaken = true;
                } else {
                    hourTaken = true;
                }
            }
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
        Bytes key = TopKeys.window(window, url);
        WindowCounts counts = WindowCounts.decode(store.get(key));
        store.put(key, new WindowCounts(counts.current.plus(delta), counts.indexed).encode());
        store.put(TopKeys.dirty(window, url), MARK);
    }

    private void reindex() {
        while (true) {
            List<Bytes> chunk = new ArrayList<>();
            try (KeyValueIterator<Bytes, byte[]> dirty = store.prefixScan(TopKeys.dirtyPrefix(), Serdes.Bytes().serializer())) {
                while (dirty.hasNext() && chunk.size() < CHUNK) {
                    chunk.add(dirty.next().key);
                }
            }
            for (Bytes dirty : chunk) {
                TopWindow window = TopKeys.dirtyWindow(dirty);
                String url = TopKeys.dirtyUrl(dirty);
                Bytes key = TopKeys.window(window, url);
                WindowCounts counts = WindowCounts.decode(store.get(key));
                for (TopMetric metric : TopMetric.values()) {
                    long was = metric.of(counts.indexed);
                    long is = metric.of(counts.current);
                    if (was != is) {
                        if (was > 0) {
                            store.delete(TopKeys.index(window, metric, was, url));
                        }
                        if (is > 0) {
                            store.put(TopKeys.index(window, metric, is, url), MARK);
                        }
                    }
                }
                if (counts.current.isZero()) {
                    store.delete(key);
                } else {
                    store.put(key, new WindowCounts(counts.current, counts.current).encode());
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

    /** A URL's counts in a window, and the counts its index entries stand for. */
    private record WindowCounts(LinkCounts current, LinkCounts indexed) {
        static WindowCounts decode(byte[] value) {
            if (value == null) {
                return new WindowCounts(LinkCounts.ZERO, LinkCounts.ZERO);
            }
            int half = value.length / 2;
            return new WindowCounts(TopLinks.decode(Arrays.copyOfRange(value, 0, half)),
                    TopLinks.decode(Arrays.copyOfRange(value, half, value.length)));
        }

        byte[] encode() {
            byte[] current = TopLinks.encode(this.current);
            byte[] indexed = TopLinks.encode(this.indexed);
            return ByteBuffer.allocate(current.length + indexed.length).put(current).put(indexed).array();
        }
    }
}
