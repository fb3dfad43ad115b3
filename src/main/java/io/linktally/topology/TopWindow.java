package io.linktally.topology;

import java.time.Duration;
import java.util.Optional;

/**
 * The windows of top links. A window holds its current bucket and the buckets before it, so it
 * spans between its length less one bucket and its length: the last hour by the minute, the last
 * day and week by the hour.
 */
public enum TopWindow {
    HOUR("1h", (byte) '1', Duration.ofMinutes(1), Duration.ofHours(1)),
    DAY("24h", (byte) 'd', Duration.ofHours(1), Duration.ofDays(1)),
    WEEK("7d", (byte) 'w', Duration.ofHours(1), Duration.ofDays(7));

    private final String apiName;
    final byte tag;
    final long bucketMs;
    final long lengthMs;

    TopWindow(String apiName, byte tag, Duration bucket, Duration length) {
        this.apiName = apiName;
        this.tag = tag;
        this.bucketMs = bucket.toMillis();
        this.lengthMs = length.toMillis();
    }

    public String apiName() {
        return apiName;
    }

    public static Optional<TopWindow> ofApiName(String name) {
        for (TopWindow window : values()) {
            if (window.apiName.equals(name)) {
                return Optional.of(window);
            }
        }
        return Optional.empty();
    }

    long bucketStart(long time) {
        return time - Math.floorMod(time, bucketMs);
    }

    /** The first bucket the window holds at {@code now}: buckets before it have left the window. */
    long firstBucket(long now) {
        return bucketStart(now) - lengthMs + bucketMs;
    }

    /** Whether no longer window shares this window's buckets, so it may delete them once they leave it. */
    boolean longestOfItsBuckets() {
        for (TopWindow other : values()) {
            if (other.bucketMs == bucketMs && other.lengthMs > lengthMs) {
                return false;
            }
        }
        return true;
    }
}
