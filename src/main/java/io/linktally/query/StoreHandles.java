package io.linktally.query;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreType;

/**
 * Interactive-query handles by store, partition and staleness. A handle re-resolves its task on
 * every read, so one per key serves across rebalances; creating one per read would cost more than
 * the read. Creating a handle throws {@code InvalidStateStoreException} while the store is not
 * queryable, and nothing is kept then.
 */
final class StoreHandles {
    private final KafkaStreams streams;
    private final Map<String, Object> handles = new ConcurrentHashMap<>();

    StoreHandles(KafkaStreams streams) {
        this.streams = streams;
    }

    /** The handle of the store's partition: its active task only, or with {@code stale} any copy held here. */
    @SuppressWarnings("unchecked")
    <T> T get(String store, QueryableStoreType<T> type, int partition, boolean stale) {
        return (T) handles.computeIfAbsent(store + "/" + partition + "/" + stale, key -> {
            StoreQueryParameters<T> params = StoreQueryParameters.fromNameAndType(store, type).withPartition(partition);
            return streams.store(stale ? params.enableStaleStores() : params);
        });
    }
}
