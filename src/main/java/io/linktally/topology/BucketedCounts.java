package io.linktally.topology;

import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Counts by UTC hour and day of each event's own time, for time series, and clicks by day and
 * trait, for breakdowns. Part of the counting task, so a URL's buckets change in the same
 * transaction as its totals.
 *
 * <p>An event goes into a bucket until the bucket's end plus the grace period has passed in stream
 * time, as a Kafka Streams window closes; later it is still in the totals, never in a closed
 * bucket. Stream time is the task's, persisted with its offsets, so a retry after a crash decides
 * alike. An event stamped more than {@link #MAX_AHEAD_MS} after it arrived goes into no bucket:
 * the window stores drop old segments by the newest time they were given, and one bad clock must
 * not expire a month of series.
 */
final class BucketedCounts {
    static final long HOUR_MS = BucketSettings.HOUR.toMillis();
    static final long DAY_MS = BucketSettings.DAY.toMillis();
    static final long MAX_AHEAD_MS = HOUR_MS;

    private final long graceMs;
    private WindowStore<String, LinkCounts> hourly;
    private WindowStore<String, LinkCounts> daily;
    private WindowStore<String, LinkCounts> breakdowns;

    BucketedCounts(BucketSettings settings) {
        this.graceMs = settings.grace().toMillis();
    }

    void init(ProcessorContext<?, ?> context) {
        hourly = context.getStateStore(TopologyNames.HOURLY_SERIES_STORE);
        daily = context.getStateStore(TopologyNames.DAILY_SERIES_STORE);
        breakdowns = context.getStateStore(TopologyNames.BREAKDOWN_STORE);
    }

    void add(String url, CountableEvent event, long recordTimestamp, long streamTime) {
        long time = event.timeOr(recordTimestamp);
        if (time > recordTimestamp + MAX_AHEAD_MS) {
            return;
        }
        add(hourly, url, event.kind(), start(time, HOUR_MS), HOUR_MS, streamTime);
        if (add(daily, url, event.kind(), start(time, DAY_MS), DAY_MS, streamTime) && event.isClick()) {
            for (Breakdown by : Breakdown.values()) {
                add(breakdowns, by.key(url, event.traits()), event.kind(), start(time, DAY_MS), DAY_MS, streamTime);
            }
        }
    }

    private boolean add(WindowStore<String, LinkCounts> store, String key, CountableEvent.Kind kind, long start, long width, long streamTime) {
        if (start + width + graceMs <= streamTime) {
            return false;
        }
        LinkCounts current = store.fetch(key, start);
        store.put(key, (current == null ? LinkCounts.ZERO : current).plus(kind), start);
        return true;
    }

    static long start(long time, long width) {
        return time - Math.floorMod(time, width);
    }
}
