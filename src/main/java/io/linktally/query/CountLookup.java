package io.linktally.query;

import io.linktally.topology.LinkCounts;

/** Counts of a canonical URL; a URL never seen has {@link LinkCounts#ZERO}. */
public interface CountLookup {
    /**
     * @throws StoreUnavailableException when no store that may answer is ready (rebalancing,
     *     restoring, starting); a normal state that callers answer with 503 and retry
     */
    LinkCounts counts(String canonicalUrl);
}
