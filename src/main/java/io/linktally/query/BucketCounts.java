package io.linktally.query;

import io.linktally.topology.LinkCounts;
import java.util.List;

/**
 * What a {@link WindowRange} read found: counts summed by bucket start or by key, only those not
 * zero, and whether a standby copy answered.
 */
public record BucketCounts(List<Entry> entries, CountResult.Source source, long standbyLag) {
    /** Counts of one bucket start (its key the URL) or of one key (its start the range's first). */
    public record Entry(String key, long start, LinkCounts counts) {
    }

    public boolean fromStandby() {
        return source == CountResult.Source.STANDBY;
    }
}
