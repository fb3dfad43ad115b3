package io.linktally.topology;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.CompressionType;
import org.rocksdb.Options;

/**
 * Points every store at the process's shared {@link RocksDbMemory}, which arrives through the
 * Streams configuration under {@link #MEMORY_CONFIG} rather than through a static field.
 */
public final class BoundedRocksDbConfig implements RocksDBConfigSetter {
    public static final String MEMORY_CONFIG = "linktally.rocksdb.memory";
    private static final long MEMTABLE_BYTES = 16L * 1024 * 1024;
    private static final int MEMTABLES = 3;

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        if (!(configs.get(MEMORY_CONFIG) instanceof RocksDbMemory memory)) {
            throw new ConfigException(MEMORY_CONFIG, configs.get(MEMORY_CONFIG), "must hold the process's RocksDbMemory");
        }
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(memory.cache());
        // Index and filter blocks count against the cap too; pinning the top level keeps lookups
        // from paying a cache miss for them.
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(memory.writeBufferManager());
        options.setWriteBufferSize(MEMTABLE_BYTES);
        options.setMaxWriteBufferNumber(MEMTABLES);
        options.setCompressionType(CompressionType.LZ4_COMPRESSION);
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and write buffer manager are shared: their owner closes them.
    }
}
