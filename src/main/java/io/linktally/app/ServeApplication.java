package io.linktally.app;

import io.linktally.config.ServeOptions;
import io.linktally.events.Topics;
import io.linktally.http.HttpApi;
import io.linktally.http.HttpSettings;
import io.linktally.kafka.KafkaClients;
import io.linktally.kafka.KafkaConnection;
import io.linktally.kafka.KafkaEventPublisher;
import io.linktally.kafka.SingleNodeBroker;
import io.linktally.kafka.TopicAdmin;
import io.linktally.kafka.TopicDefinition;
import io.linktally.query.RemoteCounts;
import io.linktally.archive.ArchiveUri;
import io.linktally.config.ArchiveOptions;
import io.linktally.events.ClickEnricher;
import io.linktally.events.Countries;
import io.linktally.events.UserAgents;
import io.linktally.query.BucketLookup;
import io.linktally.query.LocalCopies;
import io.linktally.query.PartitionOwners;
import io.linktally.query.RoutedCountLookup;
import io.linktally.query.TopLookup;
import io.linktally.query.StreamsReadiness;
import io.linktally.topology.ActiveCountStores;
import io.linktally.topology.LinkTopology;
import io.linktally.topology.RocksDbMemory;
import io.javalin.Javalin;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code serve}: the stream processor and the HTTP API in one process, started in dependency order
 * (broker, topics, streams, HTTP) and stopped in reverse.
 */
public final class ServeApplication implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServeApplication.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final SingleNodeBroker broker;
    private final RocksDbMemory memory;
    private final Countries countries;
    private final KafkaStreams streams;
    private final KafkaEventPublisher publisher;
    private final Javalin http;
    private final RemoteCounts peers;
    private volatile Optional<ArchiveRunner> archive = Optional.empty();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean failed;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private ServeApplication(SingleNodeBroker broker, RocksDbMemory memory, Countries countries, KafkaStreams streams,
                             KafkaEventPublisher publisher, Javalin http, RemoteCounts peers) {
        this.broker = broker;
        this.memory = memory;
        this.countries = countries;
        this.streams = streams;
        this.publisher = publisher;
        this.http = http;
        this.peers = peers;
    }

    public static ServeApplication start(ServeOptions options, ArchiveOptions archiveOptions, Optional<String> bootstrapServers,
                                         Map<String, String> kafkaSettings) {
        SingleNodeBroker broker = null;
        String bootstrap;
        if (bootstrapServers.isPresent()) {
            bootstrap = bootstrapServers.get();
            LOG.info("Kafka cluster {}; state in {}", bootstrap, options.stateDir().toAbsolutePath());
        } else {
            LOG.info("No --bootstrap-servers: running the embedded default, a single-node Kafka broker on localhost:{} "
                    + "with everything under {}", options.embeddedKafkaPort(), options.dataDir().toAbsolutePath());
            broker = SingleNodeBroker.start(options.dataDir(), "localhost", options.embeddedKafkaPort(), options.embeddedControllerPort());
            bootstrap = broker.bootstrapServers();
        }
        KafkaConnection kafka = new KafkaConnection(bootstrap, kafkaSettings);
        if (!kafkaSettings.isEmpty()) {
            LOG.info("Kafka client settings from --kafka-config: {}", kafka.settingNames());
        }
        ensureTopics(kafka, options);
        // The embedded default keeps its archive beside its broker; on a real cluster the archive
        // is usually its own consumer group (the archive command), so serve archives only if asked.
        ArchiveUri archiveUri = ArchiveUri.parse(archiveOptions.archive(
                broker != null ? "file:" + options.dataDir().resolve("archive").toAbsolutePath() : "none"));

        RocksDbMemory memory = new RocksDbMemory(options.rocksdbMemory(), options.rocksdbWriteBuffers());
        ActiveCountStores runningStores = new ActiveCountStores();
        Countries countries = options.geoipDb().map(Countries::open).orElseGet(Countries::none);
        ClickEnricher enricher = new ClickEnricher(new UserAgents(), countries);
        KafkaStreams streams = new KafkaStreams(LinkTopology.build(options.dedupRetention(), options.buckets(), enricher, runningStores),
                StreamsProperties.of(options, kafka, memory));
        KafkaEventPublisher publisher = new KafkaEventPublisher(KafkaClients.eventProducer(kafka, options.applicationId() + "-http"));
        HttpSettings httpSettings = new HttpSettings(options.cacheMaxAge(), options.maxRequestBytes(),
                options.maxBatchEvents(), HttpSettings.DEFAULT_MAX_BATCH_URLS, options.publishTimeout(), options.drainTimeout(),
                options.apiToken());
        HostInfo self = HostInfo.buildFromEndpoint(options.applicationServer());
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmGcMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        new KafkaStreamsMetrics(streams).bindTo(metrics);
        LocalCopies copies = new LocalCopies(streams, Clock.systemUTC(), Duration.ofSeconds(1));
        streams.setGlobalStateRestoreListener(new RestoreListeners(new RestoreMetrics(metrics), copies));
        streams.setStandbyUpdateListener(copies);
        RemoteCounts peers = new RemoteCounts(options.forwardTimeout());
        // One view of who holds each partition, for every kind of lookup: rebuilt once per rebalance, not once per kind.
        PartitionOwners owners = new PartitionOwners(streams);
        RoutedCountLookup lookup = new RoutedCountLookup(streams, runningStores, owners, copies, self, peers,
                options.maxStandbyLag(), options.queryTimeout(), metrics);
        BucketLookup buckets = new BucketLookup(streams, options.buckets(), owners, copies, self, peers, options.maxStandbyLag(), options.queryTimeout(),
                metrics);
        TopLookup top = new TopLookup(streams, owners, copies, self, peers, options.maxStandbyLag(), options.queryTimeout(), metrics);
        Javalin http = HttpApi.create(new HttpApi.Lookups(lookup, buckets, top), new StreamsReadiness(streams), publisher, httpSettings,
                metrics);

        ServeApplication app = new ServeApplication(broker, memory, countries, streams, publisher, http, peers);
        streams.setUncaughtExceptionHandler(new StreamThreadFailures(Clock.systemUTC(), metrics));
        streams.setStateListener((newState, oldState) -> {
            LOG.info("Kafka Streams {} -> {}", oldState, newState);
            copies.onStateChange(newState);
            owners.forget();
            if (newState == KafkaStreams.State.ERROR) {
                app.failed = true;
                app.stopped.countDown();
            }
        });
        // A bucket that is missing or refuses the credentials fails the start here, before Streams runs.
        app.archive = ArchiveRunner.start(archiveUri, archiveOptions, kafka, options.sessionTimeout(), options.drainTimeout(), metrics, () -> {
            LOG.error("The archiver failed; stopping");
            app.failed = true;
            app.stopped.countDown();
        });
        streams.start();
        http.start(options.httpHost(), options.httpPort());
        LOG.info("HTTP API on http://{}:{} (advertised as {})", options.httpHost(), http.port(), options.applicationServer());
        return app;
    }

    private static void ensureTopics(KafkaConnection kafka, ServeOptions options) {
        List<TopicDefinition> definitions = options.topicsDir()
                .map(TopicDefinition::fromDirectory)
                .orElseGet(() -> TopicDefinition.bundled(Topics.ALL));
        try (Admin admin = KafkaClients.admin(kafka)) {
            TopicAdmin.Report report = new TopicAdmin(admin).ensure(definitions);
            report.differences().forEach(difference -> LOG.warn("Topic differs from its definition: {}", difference));
        }
    }

    public int httpPort() {
        return http.port();
    }

    /** Ends {@link #awaitStop()} so that its caller shuts down in order (SIGTERM, SIGINT). */
    public void requestStop() {
        stopped.countDown();
    }

    /** Blocks until {@link #requestStop()}, {@link #close()} or a fatal stream failure; true if it failed. */
    public boolean awaitStop() throws InterruptedException {
        stopped.await();
        return failed;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.info("Stopping: HTTP first, then the archiver and Kafka Streams (leaving their groups), then the rest");
        try {
            http.stop();
        } catch (RuntimeException e) {
            // Jetty stops either way; only the wait for requests in flight ran out. The archiver and
            // Kafka Streams must still be closed in order below.
            LOG.warn("HTTP stopped without waiting for every request in flight: {}", e.toString());
        }
        peers.close();
        archive.ifPresent(ArchiveRunner::close);
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(CLOSE_TIMEOUT));
        publisher.close();
        // After Streams: its threads look countries up until they stop.
        countries.close();
        memory.close();
        if (broker != null) {
            broker.close();
        }
        stopped.countDown();
        LOG.info("Stopped");
    }
}
