package io.linktally.query;

import io.linktally.topology.ActiveCountStores;
import io.linktally.topology.LinkCounts;
import io.linktally.topology.TopologyNames;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads of this instance's count stores by partition: one RocksDB point read (or a cache hit), so
 * a lookup costs the same whatever the URL's count and however many partitions are held here.
 */
final class LocalStores {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LocalStores.class);
    private final ActiveCountStores running;
    private final LocalCopies copies;
    private final long maxStandbyLag;
    private final StoreHandles handles;

    LocalStores(KafkaStreams streams, ActiveCountStores running, LocalCopies copies, long maxStandbyLag) {
        this.handles = new StoreHandles(streams);
        this.running = running;
        this.copies = copies;
        this.maxStandbyLag = maxStandbyLag;
    }

    /** From the active task of the partition, if this instance runs it and it is not restoring. */
    Optional<CountResult> active(int partition, String key) {
        try {
            ReadOnlyKeyValueStore<String, LinkCounts> store = running.forPartition(partition)
                    .orElseGet(() -> store(partition, false));
            return Optional.of(CountResult.active(orZero(store.get(key))));
        } catch (InvalidStateStoreException e) {
            return Optional.empty();
        }
    }

    /** From a copy here that is not the running active one, if it can vouch for its counts and lags within the bound. */
    Optional<CountResult> standby(int partition, String key) {
        long lag = copies.vouchedLag(TopologyNames.COUNTS_STORE, partition);
        if (lag < 0 || lag > maxStandbyLag) {
            LOG.trace("Standby copy of partition {} cannot answer: lag {}", partition, lag);
            return Optional.empty();
        }
        try {
            return Optional.of(CountResult.standby(orZero(store(partition, true).get(key)), lag));
        } catch (InvalidStateStoreException e) {
            LOG.trace("Standby copy of partition {} cannot answer: {}", partition, e.getMessage());
            return Optional.empty();
        }
    }

    private static LinkCounts orZero(LinkCounts counts) {
        return counts == null ? LinkCounts.ZERO : counts;
    }

    private ReadOnlyKeyValueStore<String, LinkCounts> store(int partition, boolean stale) {
        return handles.get(TopologyNames.COUNTS_STORE, QueryableStoreTypes.<String, LinkCounts>keyValueStore(), partition, stale);
    }
}
