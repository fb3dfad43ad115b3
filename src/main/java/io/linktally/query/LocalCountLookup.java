package io.linktally.query;

import io.linktally.topology.LinkCounts;
import io.linktally.topology.TopologyNames;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads counts from this instance's stores. A lookup goes straight to the one partition that owns
 * the key, one RocksDB point read (or a cache hit), so its cost depends on neither the URL's count
 * nor the number of partitions this instance holds.
 */
public final class LocalCountLookup implements CountLookup {
    private static final Serializer<String> KEYS = Serdes.String().serializer();

    private final KafkaStreams streams;
    private final HostInfo self;
    private final Map<Integer, ReadOnlyKeyValueStore<String, LinkCounts>> storeByPartition = new ConcurrentHashMap<>();

    public LocalCountLookup(KafkaStreams streams, HostInfo self) {
        this.streams = streams;
        this.self = self;
    }

    @Override
    public LinkCounts counts(String canonicalUrl) {
        KeyQueryMetadata owner = streams.queryMetadataForKey(TopologyNames.COUNTS_STORE, canonicalUrl, KEYS);
        if (owner == null || KeyQueryMetadata.NOT_AVAILABLE.equals(owner)) {
            throw new StoreUnavailableException("the owner of this URL is not known yet (state " + streams.state() + ")");
        }
        if (!self.equals(owner.activeHost())) {
            throw new StoreUnavailableException("this URL's counts are held by " + owner.activeHost().host() + ":"
                    + owner.activeHost().port() + ", not by this instance");
        }
        try {
            LinkCounts counts = store(owner.partition()).get(canonicalUrl);
            return counts == null ? LinkCounts.ZERO : counts;
        } catch (InvalidStateStoreException e) {
            throw new StoreUnavailableException("the store of partition " + owner.partition() + " is not ready: " + e.getMessage(), e);
        }
    }

    /** The handle re-resolves its task on every read, so one per partition serves across rebalances. */
    private ReadOnlyKeyValueStore<String, LinkCounts> store(int partition) {
        return storeByPartition.computeIfAbsent(partition, p -> streams.store(
                StoreQueryParameters.fromNameAndType(TopologyNames.COUNTS_STORE, QueryableStoreTypes.<String, LinkCounts>keyValueStore())
                        .withPartition(p)));
    }
}
