package io.linktally.http;

import io.linktally.query.BucketCounts;
import io.linktally.query.BucketReads;
import io.linktally.query.CountResult;
import io.linktally.query.StoreUnavailableException;
import io.linktally.query.WindowRange;
import io.linktally.topology.BucketSettings;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Answers every bucket read with the entries it was given, and remembers what was asked. */
final class FakeBucketReads implements BucketReads {
    final List<WindowRange> asked = Collections.synchronizedList(new ArrayList<>());
    volatile List<BucketCounts.Entry> entries = List.of();
    volatile long standbyLag = -1;
    volatile boolean unavailable;

    @Override
    public BucketCounts read(WindowRange range) {
        asked.add(range);
        if (unavailable) {
            throw new StoreUnavailableException("stores are rebalancing; retry shortly");
        }
        return standbyLag < 0 ? new BucketCounts(entries, CountResult.Source.ACTIVE, 0)
                : new BucketCounts(entries, CountResult.Source.STANDBY, standbyLag);
    }

    @Override
    public BucketCounts readLocal(WindowRange range, boolean allowStandby) {
        return read(range);
    }

    @Override
    public BucketSettings settings() {
        return BucketSettings.DEFAULT;
    }
}
