package io.linktally.topology;

import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;

/**
 * The one block cache and write buffer manager that every RocksDB store of a process shares, so
 * that off-heap memory is capped by configuration rather than by the number of stores or keys.
 * Owned by whoever starts Kafka Streams, closed after it.
 */
public final class RocksDbMemory implements AutoCloseable {
    private static final double HIGH_PRIORITY_POOL_RATIO = 0.1;

    private final long cacheBytes;
    private final Cache cache;
    private final WriteBufferManager writeBufferManager;

    public RocksDbMemory(long cacheBytes, long writeBufferBytes) {
        if (writeBufferBytes > cacheBytes) {
            throw new IllegalArgumentException("RocksDB write buffers (" + writeBufferBytes
                    + " bytes) must fit in the block cache (" + cacheBytes + " bytes) that accounts for them");
        }
        RocksDB.loadLibrary();
        this.cacheBytes = cacheBytes;
        this.cache = new LRUCache(cacheBytes, -1, false, HIGH_PRIORITY_POOL_RATIO);
        this.writeBufferManager = new WriteBufferManager(writeBufferBytes, cache);
    }

    Cache cache() {
        return cache;
    }

    WriteBufferManager writeBufferManager() {
        return writeBufferManager;
    }

    public long cacheBytes() {
        return cacheBytes;
    }

    @Override
    public void close() {
        writeBufferManager.close();
        cache.close();
    }
}
