package io.linktally.app;

import io.linktally.archive.ArchiveUri;
import io.linktally.archive.Archiver;
import io.linktally.archive.ArchiverSettings;
import io.linktally.archive.ObjectStore;
import io.linktally.archive.ObjectStores;
import io.linktally.config.ArchiveOptions;
import io.linktally.kafka.KafkaClients;
import io.linktally.kafka.KafkaConnection;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.clients.consumer.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The archiver on a thread of its own, inside {@code serve} or as the {@code archive} command. */
public final class ArchiveRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveRunner.class);
    private final ObjectStore store;
    private final Archiver archiver;
    private final KafkaClientMetrics consumerMetrics;
    private final Thread thread;
    private final Duration drainTimeout;
    private volatile boolean failed;

    private ArchiveRunner(ObjectStore store, Archiver archiver, KafkaClientMetrics consumerMetrics, Duration drainTimeout, Runnable onFailure) {
        this.store = store;
        this.archiver = archiver;
        this.consumerMetrics = consumerMetrics;
        this.drainTimeout = drainTimeout;
        this.thread = new Thread(() -> {
            try {
                archiver.run();
            } catch (RuntimeException | Error e) {
                failed = true;
                onFailure.run();
                if (e instanceof Error error) {
                    throw error;
                }
            }
        }, "archiver");
    }

    /** Starts archiving to {@code uri}; empty for {@code none}. {@code onFailure} runs if the archiver dies. */
    public static Optional<ArchiveRunner> start(ArchiveUri uri, ArchiveOptions options, KafkaConnection kafka, Duration sessionTimeout,
                                                Duration drainTimeout, MeterRegistry metrics, Runnable onFailure) {
        Optional<ObjectStore> opened = ObjectStores.open(uri, options.s3Endpoint(), options.s3Region());
        if (opened.isEmpty()) {
            LOG.info("Archive: none");
            return Optional.empty();
        }
        ArchiverSettings settings = new ArchiverSettings(options.topics(), options.groupId(), options.maxObjectRecords(),
                options.maxObjectBytes(), options.maxObjectAge(), options.maxBufferBytes(), options.uploadThreads(), options.gzipLevel(),
                drainTimeout, options.haltAfterUploads());
        Consumer<byte[], byte[]> consumer = KafkaClients.archiveConsumer(kafka, options.groupId(), options.groupId(), sessionTimeout);
        KafkaClientMetrics consumerMetrics = new KafkaClientMetrics(consumer);
        consumerMetrics.bindTo(metrics);
        Archiver archiver = new Archiver(consumer, opened.get(), settings, metrics, Clock.systemUTC());
        ArchiveRunner runner = new ArchiveRunner(opened.get(), archiver, consumerMetrics, drainTimeout, onFailure);
        runner.thread.start();
        return Optional.of(runner);
    }

    public boolean failed() {
        return failed;
    }

    /** Stores what is held (up to the drain timeout), commits, leaves the group. */
    @Override
    public void close() {
        archiver.stop();
        try {
            if (!archiver.awaitStopped(drainTimeout.plusSeconds(30))) {
                LOG.warn("The archiver did not stop in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumerMetrics.close();
        store.close();
    }
}
