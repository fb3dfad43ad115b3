package io.linktally.topology;

/**
 * Every store, repartition and processor name of the topology. Renaming one orphans its changelog
 * or repartition topic on a running cluster, so they are pinned here and by a describe() test.
 */
public final class TopologyNames {
    /** Canonical URL to {@link LinkCounts}; what every count lookup reads. */
    public static final String COUNTS_STORE = "link-counts";
    /** Canonical URL to {@link LinkCounts} per UTC hour of the events' own time. */
    public static final String HOURLY_SERIES_STORE = "link-series-hourly";
    /** Canonical URL to {@link LinkCounts} per UTC day of the events' own time. */
    public static final String DAILY_SERIES_STORE = "link-series-daily";
    /** {@link Breakdown} keys to click counts per UTC day. */
    public static final String BREAKDOWN_STORE = "click-breakdown-daily";
    /** Top links per window: buckets, window counts and the ranked index, as {@link TopKeys} lays them out. */
    public static final String TOP_STORE = "top-links";
    /** Event ids seen within the dedup retention, bucketed by time so old ones drop by segment. */
    public static final String DEDUP_STORE = "event-dedup";
    /** Countable events keyed by canonical URL; becomes {@code <application.id>-events-by-url-repartition}. */
    public static final String BY_URL_REPARTITION = "events-by-url";

    public static final String LINKS_CREATED_SOURCE = "links-created-source";
    public static final String SHARES_BY_URL = "shares-by-url";
    public static final String LINKS_CLICKED_SOURCE = "links-clicked-source";
    public static final String CLICKS_BY_URL = "clicks-by-url";
    public static final String EVENTS_MERGED = "shares-and-clicks";
    public static final String DEDUP_AND_COUNT = "dedup-and-count";

    private TopologyNames() {
    }
}
