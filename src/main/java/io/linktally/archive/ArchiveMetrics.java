package io.linktally.archive;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.atomic.AtomicLong;

/** What the archiver reports on {@code /metrics}. */
final class ArchiveMetrics {
    final Counter records;
    final Counter bytes;
    final Counter objects;
    final Counter failures;
    final Counter deletedOffsets;
    final Timer uploads;
    final AtomicLong lag = new AtomicLong();
    final AtomicLong buffered = new AtomicLong();
    final AtomicLong paused = new AtomicLong();
    /** When the object store's requests began failing with none succeeding since; 0 while they succeed. */
    final AtomicLong storeFailingSinceMs = new AtomicLong();

    ArchiveMetrics(MeterRegistry registry) {
        records = Counter.builder("linktally.archive.records").description("Records stored in archive objects").register(registry);
        bytes = Counter.builder("linktally.archive.bytes").baseUnit("bytes").description("Compressed bytes stored in archive objects")
                .register(registry);
        objects = Counter.builder("linktally.archive.objects").description("Archive objects stored").register(registry);
        failures = Counter.builder("linktally.archive.failures").description("Failed object store requests, each retried")
                .register(registry);
        deletedOffsets = Counter.builder("linktally.archive.deleted.offsets")
                .description("Offsets deleted from Kafka (retention) before this archiver read them: records possibly missing from the archive")
                .register(registry);
        uploads = Timer.builder("linktally.archive.upload").description("Time to store one archive object, retries included")
                .publishPercentileHistogram().register(registry);
        Gauge.builder("linktally.archive.lag", lag, AtomicLong::get).baseUnit("records")
                .description("Records in the archived topics not yet read by this archiver").register(registry);
        Gauge.builder("linktally.archive.buffered", buffered, AtomicLong::get).baseUnit("bytes")
                .description("Compressed bytes held, not yet stored").register(registry);
        Gauge.builder("linktally.archive.paused.partitions", paused, AtomicLong::get)
                .description("Partitions not fetched until uploads catch up").register(registry);
        // Requests are retried without end, so an error that never heals (a revoked key, a deleted
        // bucket) shows here and in the logs rather than stopping the archiver: alert on it.
        Gauge.builder("linktally.archive.store.failing", storeFailingSinceMs, ArchiveMetrics::secondsSince).baseUnit("seconds")
                .description("How long the object store's requests have been failing with none succeeding; 0 while they succeed")
                .register(registry);
    }

    private static double secondsSince(AtomicLong sinceMs) {
        long since = sinceMs.get();
        return since == 0 ? 0 : (System.currentTimeMillis() - since) / 1000.0;
    }
}
