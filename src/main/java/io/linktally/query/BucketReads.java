package io.linktally.query;

import io.linktally.topology.BucketSettings;

/** Reads of one URL's bucket stores: time series and breakdowns. */
public interface BucketReads {
    /**
     * Answers the range from wherever the URL's entries live.
     *
     * @throws StoreUnavailableException when no copy can vouch for the URL before the query deadline
     */
    BucketCounts read(WindowRange range);

    /**
     * Answers from this instance's own copies only: what another instance forwards here.
     *
     * @throws StoreUnavailableException when the URL's partition is not held here in a state that can answer
     */
    BucketCounts readLocal(WindowRange range, boolean allowStandby);

    /** How long the buckets read are kept, and their grace. */
    BucketSettings settings();
}
