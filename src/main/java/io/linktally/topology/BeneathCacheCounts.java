package io.linktally.topology;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.internals.CachingKeyValueStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * Reads a URL's counts from the store beneath Kafka Streams' record cache. A lookup through the
 * cache first searches its ordered map of recent keys, which costs more than the RocksDB read
 * beneath it; what the cache holds beyond the store reaches it at every commit, so a count read
 * here is at most one commit interval behind. Everything but {@link #get} goes through the cache.
 */
final class BeneathCacheCounts implements ReadOnlyKeyValueStore<String, LinkCounts> {
    private final KeyValueStore<Bytes, byte[]> bytes;
    private final ReadOnlyKeyValueStore<String, LinkCounts> cached;

    private BeneathCacheCounts(KeyValueStore<Bytes, byte[]> bytes, ReadOnlyKeyValueStore<String, LinkCounts> cached) {
        this.bytes = bytes;
        this.cached = cached;
    }

    /** The store beneath the cache of {@code store}, or {@code store} itself when it has none. */
    static ReadOnlyKeyValueStore<String, LinkCounts> of(ReadOnlyKeyValueStore<String, LinkCounts> store) {
        StateStore layer = (StateStore) store;
        while (layer instanceof WrappedStateStore<?, ?, ?> wrapper) {
            if (layer instanceof CachingKeyValueStore caching) {
                return new BeneathCacheCounts(caching.wrapped(), store);
            }
            layer = wrapper.wrapped();
        }
        return store;
    }

    @Override
    public LinkCounts get(String key) {
        byte[] value = bytes.get(Bytes.wrap(LinkTopology.COUNTS_KEY_SERDE.serializer().serialize(null, key)));
        return value == null ? null : LinkCounts.SERDE.deserializer().deserialize(null, value);
    }

    @Override
    public KeyValueIterator<String, LinkCounts> range(String from, String to) {
        return cached.range(from, to);
    }

    @Override
    public KeyValueIterator<String, LinkCounts> all() {
        return cached.all();
    }

    @Override
    public long approximateNumEntries() {
        return cached.approximateNumEntries();
    }
}
