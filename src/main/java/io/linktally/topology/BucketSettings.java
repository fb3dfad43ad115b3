package io.linktally.topology;

import java.time.Duration;

/**
 * How long hourly and daily buckets are kept, and how late an event may arrive and still be put in
 * its own bucket. A bucket must outlive its grace, or a late event would land in a dropped segment.
 */
public record BucketSettings(Duration hourlyRetention, Duration dailyRetention, Duration grace) {
    public static final Duration HOUR = Duration.ofHours(1);
    public static final Duration DAY = Duration.ofDays(1);
    public static final BucketSettings DEFAULT = new BucketSettings(Duration.ofDays(31), Duration.ofDays(400), Duration.ofHours(24));

    public BucketSettings {
        if (grace.isNegative()) {
            throw new IllegalArgumentException("the grace period must not be negative, got " + grace);
        }
        if (hourlyRetention.compareTo(HOUR.plus(grace)) < 0) {
            throw new IllegalArgumentException("hourly buckets must be kept at least an hour plus the grace period (" + grace + ")");
        }
        if (dailyRetention.compareTo(DAY.plus(grace)) < 0) {
            throw new IllegalArgumentException("daily buckets must be kept at least a day plus the grace period (" + grace + ")");
        }
    }
}
