package io.linktally.query;

import java.util.List;

/** Counts of canonical URLs; a URL never seen has zero counts. */
public interface CountLookup {
    /**
     * Answers every URL, in order, wherever its counts live: locally, from the owning instance,
     * or from a standby copy within the lag bound while the owner is away.
     *
     * @throws StoreUnavailableException when some URL has no store that can vouch for it before
     *     the query deadline (a rebalance that outlasts it, every copy down); callers answer 503
     */
    List<CountResult> counts(List<String> canonicalUrls);

    /**
     * Answers from this instance's own stores only: what another instance forwards here.
     *
     * @throws StoreUnavailableException when some URL is not held here in a state it can vouch for
     */
    List<CountResult> localCounts(List<String> canonicalUrls, boolean allowStandby);

    default CountResult counts(String canonicalUrl) {
        return counts(List.of(canonicalUrl)).get(0);
    }
}
