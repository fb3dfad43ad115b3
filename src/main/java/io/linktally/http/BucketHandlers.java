package io.linktally.http;

import io.javalin.http.Context;
import io.linktally.query.BucketCounts;
import io.linktally.query.BucketReads;
import io.linktally.query.RemoteCounts;
import io.linktally.query.WindowRange;
import io.linktally.topology.BucketSettings;
import io.linktally.topology.Breakdown;
import io.linktally.topology.LinkCounts;
import io.linktally.topology.TopologyNames;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Time series and breakdowns of one URL, and the bucket reads peers forward. */
final class BucketHandlers {
    /** Points of one time series, and days of one breakdown, at most. */
    static final int MAX_BUCKETS = 1000;
    static final int DEFAULT_LIMIT = 10;
    static final int MAX_LIMIT = 1000;
    private static final long HOUR_MS = BucketSettings.HOUR.toMillis();
    private static final long DAY_MS = BucketSettings.DAY.toMillis();

    /** {@code start} as an ISO-8601 instant, as SPEC's times are. */
    record Point(String start, long count) {
    }

    record SeriesAnswer(String url, String canonicalUrl, String metric, String interval, List<Point> points) {
    }

    record Item(String value, long count) {
    }

    record BreakdownAnswer(String url, String canonicalUrl, String by, List<Item> items) {
    }

    private final BucketReads lookup;
    private final BucketSettings settings;
    private final Clock clock;

    BucketHandlers(BucketReads lookup, Clock clock) {
        this.lookup = lookup;
        this.settings = lookup.settings();
        this.clock = clock;
    }

    void timeseries(Context ctx) {
        String url = ctx.queryParam("url");
        String canonical = RequestUrls.canonical(url, "query parameter 'url'");
        String metric = required(ctx, "metric");
        if (!metric.equals("shares") && !metric.equals("clicks")) {
            throw ApiException.badRequest("invalid_metric", "query parameter 'metric' must be shares or clicks");
        }
        CountHandlers.Bots bots = CountHandlers.Bots.of(ctx);
        String interval = required(ctx, "interval");
        long width;
        String store;
        Duration retention;
        switch (interval) {
            case "hour" -> {
                width = HOUR_MS;
                store = TopologyNames.HOURLY_SERIES_STORE;
                retention = settings.hourlyRetention();
            }
            case "day" -> {
                width = DAY_MS;
                store = TopologyNames.DAILY_SERIES_STORE;
                retention = settings.dailyRetention();
            }
            default -> throw ApiException.badRequest("invalid_interval", "query parameter 'interval' must be hour or day");
        }
        Range range = range(ctx, width, retention, Duration.ofMillis(width * (interval.equals("hour") ? 24 : 30)));
        BucketCounts found = lookup.read(new WindowRange(store, canonical, canonical, canonical, range.first, range.last, WindowRange.SumBy.START));
        markStandby(ctx, found);
        Map<Long, LinkCounts> byStart = new HashMap<>();
        found.entries().forEach(entry -> byStart.put(entry.start(), entry.counts()));
        List<Point> points = new ArrayList<>();
        for (long start = range.first; start <= range.last; start += width) {
            LinkCounts counts = byStart.getOrDefault(start, LinkCounts.ZERO);
            points.add(new Point(Instant.ofEpochMilli(start).toString(), metric.equals("shares") ? counts.shares() : bots.clicks(counts)));
        }
        ctx.json(new SeriesAnswer(url, canonical, metric, interval, points));
    }

    void breakdown(Context ctx) {
        String url = ctx.queryParam("url");
        String canonical = RequestUrls.canonical(url, "query parameter 'url'");
        String byName = required(ctx, "by");
        Breakdown by = Breakdown.ofApiName(byName).orElseThrow(() -> ApiException.badRequest("invalid_by",
                "query parameter 'by' must be one of country, referrer, browser, os, device"));
        CountHandlers.Bots bots = CountHandlers.Bots.of(ctx);
        int limit = limit(ctx);
        Range range = range(ctx, DAY_MS, settings.dailyRetention(), Duration.ofDays(30));
        BucketCounts found = lookup.read(new WindowRange(TopologyNames.BREAKDOWN_STORE, canonical, by.firstKey(canonical),
                by.lastKey(canonical), range.first, range.last, WindowRange.SumBy.KEY));
        markStandby(ctx, found);
        List<Item> items = new ArrayList<>();
        for (BucketCounts.Entry entry : found.entries()) {
            long count = bots.clicks(entry.counts());
            if (count > 0) {
                items.add(new Item(Breakdown.label(entry.key()), count));
            }
        }
        items.sort(Comparator.comparingLong(Item::count).reversed().thenComparing(Item::value));
        ctx.json(new BreakdownAnswer(url, canonical, by.apiName(), items.subList(0, Math.min(limit, items.size()))));
    }

    /** A peer's bucket read of this instance's own copies; never forwarded again. */
    void peerBuckets(Context ctx) {
        RemoteCounts.BucketRequest request;
        try {
            request = RemoteCounts.bucketRequest(ctx.bodyAsBytes());
        } catch (IOException | IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_body", "not a bucket read: " + e.getMessage());
        }
        ctx.contentType("application/json").result(RemoteCounts.answerBytes(lookup.readLocal(request.range(), request.allowStandby())));
    }

    /** The first and last bucket starts: from {@code from} rounded down to its bucket, to the last bucket starting before {@code to}. */
    private record Range(long first, long last) {
    }

    private Range range(Context ctx, long width, Duration retention, Duration defaultSpan) {
        Instant now = clock.instant();
        Instant to = instant(ctx, "to", now);
        Instant from = instant(ctx, "from", to.minus(defaultSpan));
        if (!from.isBefore(to)) {
            throw ApiException.badRequest("invalid_range", "'from' must be before 'to'");
        }
        if (from.isBefore(now.minus(retention))) {
            throw ApiException.badRequest("range_outside_retention",
                    "'from' is older than the " + retention.toDays() + " days these buckets are kept");
        }
        long first = from.toEpochMilli() - Math.floorMod(from.toEpochMilli(), width);
        long last = to.toEpochMilli() - 1 - Math.floorMod(to.toEpochMilli() - 1, width);
        if ((last - first) / width + 1 > MAX_BUCKETS) {
            throw ApiException.badRequest("range_too_wide", "at most " + MAX_BUCKETS + " buckets per request; ask for a shorter range or a wider interval");
        }
        return new Range(first, last);
    }

    private static Instant instant(Context ctx, String name, Instant otherwise) {
        String value = ctx.queryParam(name);
        if (value == null || value.isEmpty()) {
            return otherwise;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("invalid_time", "query parameter '" + name + "' must be an ISO-8601 instant like 2026-11-23T10:00:00Z");
        }
    }

    static String required(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null || value.isEmpty()) {
            throw ApiException.badRequest("missing_" + name, "query parameter '" + name + "' is required");
        }
        return value;
    }

    static int limit(Context ctx) {
        String value = ctx.queryParam("limit");
        if (value == null || value.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below, as any other bad limit
        }
        throw ApiException.badRequest("invalid_limit", "query parameter 'limit' must be a whole number from 1 to " + MAX_LIMIT);
    }

    private static void markStandby(Context ctx, BucketCounts found) {
        if (found.fromStandby()) {
            ctx.header(CountHandlers.SOURCE_HEADER, "standby");
            ctx.header(CountHandlers.STANDBY_LAG_HEADER, Long.toString(found.standbyLag()));
        }
    }
}
