package io.linktally.http;

import io.linktally.query.CountResult;
import io.linktally.query.StoreUnavailableException;
import io.linktally.query.TopLinksAnswer;
import io.linktally.query.TopReads;
import io.linktally.topology.TopMetric;
import io.linktally.topology.TopWindow;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/** Answers every top-links read with the items it was given, and remembers what was asked. */
final class FakeTopReads implements TopReads {
    final List<String> asked = Collections.synchronizedList(new ArrayList<>());
    volatile List<TopLinksAnswer.Item> items = List.of();
    volatile boolean unavailable;

    @Override
    public TopLinksAnswer top(TopWindow window, TopMetric metric, int limit) {
        asked.add(window + " " + metric + " " + limit);
        if (unavailable) {
            throw new StoreUnavailableException("stores are rebalancing; retry shortly");
        }
        return new TopLinksAnswer(items, CountResult.Source.ACTIVE, 0);
    }

    @Override
    public TopLinksAnswer localTop(TopWindow window, TopMetric metric, int limit, Set<Integer> partitions, boolean allowStandby) {
        return top(window, metric, limit);
    }
}
