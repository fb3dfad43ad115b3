package io.linktally.query;

import io.linktally.topology.TopMetric;
import io.linktally.topology.TopWindow;
import java.util.Set;

/** Top links across every partition, wherever each lives. */
public interface TopReads {
    /**
     * The {@code limit} URLs with the largest counts in the window, merged over every partition.
     *
     * @throws StoreUnavailableException when some partition has no copy that can answer before the query deadline
     */
    TopLinksAnswer top(TopWindow window, TopMetric metric, int limit);

    /**
     * The same over the given partitions of this instance's own copies: what another instance asks here.
     *
     * @throws IllegalArgumentException when a partition does not exist
     * @throws StoreUnavailableException when one of the partitions is not held here in a state that can answer
     */
    TopLinksAnswer localTop(TopWindow window, TopMetric metric, int limit, Set<Integer> partitions, boolean allowStandby);
}
