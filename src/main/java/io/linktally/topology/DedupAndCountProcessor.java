package io.linktally.topology;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Counts each event once per canonical URL. Runs after the repartition by URL, so the dedup state
 * and the counts of a URL live in the same task and change in the same transaction.
 *
 * <p>An id is remembered in a time bucket half the retention wide, and looked up with point reads
 * in the buckets within one retention either side of the event. Point reads are answered by bloom
 * filters for the new ids that make up most traffic, where a range scan over the window store's
 * segments would seek in each. Whole buckets expire with the window store's segments, so nothing
 * scans or tombstones old ids.
 */
final class DedupAndCountProcessor implements Processor<String, CountableEvent, Void, Void> {
    private static final byte[] SEEN = new byte[0];

    private final long bucketMs;
    private final long retentionMs;
    private final ActiveCountStores activeStores;
    private final BucketedCounts buckets;
    private final TopLinks top = new TopLinks();
    private int partition;
    private ProcessorContext<Void, Void> context;
    private WindowStore<Bytes, byte[]> seen;
    private KeyValueStore<String, LinkCounts> counts;

    DedupAndCountProcessor(Duration retention, BucketSettings bucketSettings, ActiveCountStores activeStores) {
        this.activeStores = activeStores;
        this.buckets = new BucketedCounts(bucketSettings);
        this.retentionMs = retention.toMillis();
        this.bucketMs = bucketWidth(retention).toMillis();
    }

    static Duration bucketWidth(Duration retention) {
        return retention.dividedBy(2);
    }

    /** Long enough that an id stays findable for a full retention after the start of its bucket. */
    static Duration storeRetention(Duration retention) {
        return retention.plus(bucketWidth(retention));
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        seen = context.getStateStore(TopologyNames.DEDUP_STORE);
        counts = context.getStateStore(TopologyNames.COUNTS_STORE);
        buckets.init(context);
        top.init(context);
        partition = context.taskId().partition();
        activeStores.opened(partition, counts);
    }

    @Override
    public void close() {
        activeStores.closed(partition, counts);
    }

    @Override
    public void process(Record<String, CountableEvent> record) {
        String url = record.key();
        CountableEvent event = record.value();
        if (event.hasId()) {
            Bytes id = dedupKey(event, url);
            long time = record.timestamp();
            if (seenWithinRetention(id, time)) {
                return;
            }
            seen.put(id, SEEN, bucketStart(time));
        }
        LinkCounts current = counts.get(url);
        counts.put(url, (current == null ? LinkCounts.ZERO : current).plus(event.kind()));
        buckets.add(url, event, record.timestamp(), context.currentStreamTimeMs());
        top.add(url, event, record.timestamp());
    }

    /**
     * Buckets after the task's stream time are skipped: every id was stored at a timestamp no later
     * than it, so they are empty, and this saves point reads on the common in-order path.
     */
    private boolean seenWithinRetention(Bytes id, long time) {
        long last = bucketStart(Math.min(time + retentionMs, Math.max(time, context.currentStreamTimeMs())));
        for (long bucket = bucketStart(time - retentionMs); bucket <= last; bucket += bucketMs) {
            if (bucket >= 0 && seen.fetch(id, bucket) != null) {
                return true;
            }
        }
        return false;
    }

    private long bucketStart(long time) {
        return time - Math.floorMod(time, bucketMs);
    }

    /**
     * The id together with the URL: one post that embeds two links sends two events with one
     * update_id, and each link must be counted.
     */
    static Bytes dedupKey(CountableEvent event, String canonicalUrl) {
        byte[] id = event.id().getBytes(StandardCharsets.UTF_8);
        byte[] url = canonicalUrl.getBytes(StandardCharsets.UTF_8);
        byte[] key = new byte[2 + id.length + url.length];
        // People's and bots' clicks share one namespace: a retried click must stay a repeat even if
        // its agent is classified otherwise the second time (a newer uap-core, say).
        key[0] = (byte) (event.kind() == CountableEvent.Kind.BOT_CLICK ? CountableEvent.Kind.CLICK : event.kind()).ordinal();
        System.arraycopy(id, 0, key, 1, id.length);
        key[1 + id.length] = 0;
        System.arraycopy(url, 0, key, 2 + id.length, url.length);
        return Bytes.wrap(key);
    }
}
