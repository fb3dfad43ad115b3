package io.linktally.app;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Store restoration as operators watch it: under exactly-once a crash wipes local state, and the
 * restore from the changelog is what stands between a restart and answering again.
 */
final class RestoreMetrics implements StateRestoreListener {
    private static final Logger LOG = LoggerFactory.getLogger(RestoreMetrics.class);

    private final Counter restored;
    private final AtomicInteger restoring = new AtomicInteger();

    RestoreMetrics(MeterRegistry metrics) {
        this.restored = Counter.builder("linktally.restore.records").description("Changelog records restored into local stores")
                .register(metrics);
        metrics.gauge("linktally.restore.partitions.active", restoring);
    }

    @Override
    public void onRestoreStart(TopicPartition partition, String store, long startingOffset, long endingOffset) {
        restoring.incrementAndGet();
        LOG.info("Restoring {} from {}: {} records", store, partition, endingOffset - startingOffset);
    }

    @Override
    public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long numRestored) {
        restored.increment(numRestored);
    }

    @Override
    public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
        restoring.decrementAndGet();
        LOG.info("Restored {} from {}: {} records", store, partition, totalRestored);
    }
}
