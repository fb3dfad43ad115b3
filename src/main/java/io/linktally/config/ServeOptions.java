package io.linktally.config;

import io.linktally.topology.BucketSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** The options of {@code serve}: stream processing, state, HTTP and the embedded default. */
public final class ServeOptions {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(names = "--data-dir", defaultValue = "./data", paramLabel = "DIR",
            description = "Where the embedded default keeps everything, and the default parent of --state-dir (default: ${DEFAULT-VALUE}).")
    private Path dataDir;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Kafka Streams state (RocksDB stores) (default: <data-dir>/state).")
    private Path stateDir;

    @Option(names = "--http-host", defaultValue = "0.0.0.0", description = "Address the HTTP API binds (default: ${DEFAULT-VALUE}).")
    private String httpHost;

    @Option(names = "--http-port", defaultValue = "8080", description = "Port of the HTTP API (default: ${DEFAULT-VALUE}).")
    private int httpPort;

    @Option(names = "--application-server", paramLabel = "HOST:PORT",
            description = "How other instances reach this one's HTTP API (default: localhost:<http-port>).")
    private String applicationServer;

    @Option(names = "--application-id", defaultValue = "linktally",
            description = "Kafka Streams application id: consumer group and prefix of internal topics (default: ${DEFAULT-VALUE}).")
    private String applicationId;

    @Option(names = "--processing-guarantee", defaultValue = "exactly_once_v2",
            description = "exactly_once_v2 or at_least_once (default: ${DEFAULT-VALUE}).")
    private String processingGuarantee;

    @Option(names = "--stream-threads", defaultValue = "2", description = "Stream threads (default: ${DEFAULT-VALUE}).")
    private int streamThreads;

    @Option(names = "--commit-interval", defaultValue = "500ms", converter = DurationConverter.class,
            description = "How often state and offsets are committed; under exactly-once, also how long before counts are visible (default: ${DEFAULT-VALUE}).")
    private Duration commitInterval;

    @Option(names = "--session-timeout", defaultValue = "10s", converter = DurationConverter.class,
            description = "How long the group waits for a silent instance before moving its partitions to others (default: ${DEFAULT-VALUE}).")
    private Duration sessionTimeout;

    @Option(names = "--standby-replicas", defaultValue = "1",
            description = "Warm copies of each count store on other instances, which answer while the owner is away (default: ${DEFAULT-VALUE}).")
    private int standbyReplicas;

    @Option(names = "--max-standby-lag", defaultValue = "1000",
            description = "A standby copy answers only if it is at most this many changelog records behind (default: ${DEFAULT-VALUE}).")
    private long maxStandbyLag;

    @Option(names = "--query-timeout", defaultValue = "5s", converter = DurationConverter.class,
            description = "How long a lookup retries through a rebalance before answering 503 (default: ${DEFAULT-VALUE}).")
    private Duration queryTimeout;

    @Option(names = "--forward-timeout", defaultValue = "2s", converter = DurationConverter.class,
            description = "How long a lookup waits for the instance that owns the URL (default: ${DEFAULT-VALUE}).")
    private Duration forwardTimeout;

    @Option(names = "--dedup-retention", defaultValue = "7d", converter = DurationConverter.class,
            description = "A repeated update_id within this time is counted once (default: ${DEFAULT-VALUE}).")
    private Duration dedupRetention;

    @Option(names = "--hourly-retention", defaultValue = "31d", converter = DurationConverter.class,
            description = "How long hourly buckets of time series are kept (default: ${DEFAULT-VALUE}).")
    private Duration hourlyRetention;

    @Option(names = "--daily-retention", defaultValue = "400d", converter = DurationConverter.class,
            description = "How long daily buckets of time series and breakdowns are kept (default: ${DEFAULT-VALUE}).")
    private Duration dailyRetention;

    @Option(names = "--bucket-grace", defaultValue = "24h", converter = DurationConverter.class,
            description = "How long after its hour or day ends a late event still goes into that bucket (default: ${DEFAULT-VALUE}).")
    private Duration bucketGrace;

    @Option(names = "--geoip-db", paramLabel = "FILE",
            description = "A MaxMind-format country or city database (GeoLite2, DB-IP Lite) for click countries; without it, countries are \"unknown\".")
    private Path geoipDb;

    @Option(names = "--api-token", paramLabel = "TOKEN",
            description = "When set, POSTs of events must carry 'Authorization: Bearer TOKEN'; lookups stay open. Prefer the environment variable.")
    private String apiToken;

    @Option(names = "--rocksdb-memory", defaultValue = "256MiB", converter = ByteSizeConverter.class,
            description = "Off-heap memory shared by all RocksDB stores: block cache, index, filters and write buffers (default: ${DEFAULT-VALUE}).")
    private long rocksdbMemory;

    @Option(names = "--rocksdb-write-buffers", defaultValue = "64MiB", converter = ByteSizeConverter.class,
            description = "The part of --rocksdb-memory that memtables may take (default: ${DEFAULT-VALUE}).")
    private long rocksdbWriteBuffers;

    @Option(names = "--record-cache", defaultValue = "64MiB", converter = ByteSizeConverter.class,
            description = "Kafka Streams record cache (on heap), which folds repeated updates of a URL between commits (default: ${DEFAULT-VALUE}).")
    private long recordCache;

    @Option(names = "--cache-max-age", defaultValue = "10s", converter = DurationConverter.class,
            description = "Cache-Control max-age of GET answers (default: ${DEFAULT-VALUE}).")
    private Duration cacheMaxAge;

    @Option(names = "--max-request-bytes", defaultValue = "8MiB", converter = ByteSizeConverter.class,
            description = "Largest HTTP request body (default: ${DEFAULT-VALUE}).")
    private long maxRequestBytes;

    @Option(names = "--max-batch-events", defaultValue = "10000",
            description = "Most events in one POST to /v1/events/* (default: ${DEFAULT-VALUE}).")
    private int maxBatchEvents;

    @Option(names = "--publish-timeout", defaultValue = "30s", converter = DurationConverter.class,
            description = "How long a POST of events waits for Kafka's acknowledgement (default: ${DEFAULT-VALUE}).")
    private Duration publishTimeout;

    @Option(names = "--drain-timeout", defaultValue = "30s", converter = DurationConverter.class,
            description = "On SIGTERM, how long HTTP waits for requests in flight while refusing new ones; 0 stops at once (default: ${DEFAULT-VALUE}).")
    private Duration drainTimeout;

    @Option(names = "--embedded-kafka-port", defaultValue = "9092",
            description = "Port of the embedded default's broker (default: ${DEFAULT-VALUE}).")
    private int embeddedKafkaPort;

    @Option(names = "--embedded-controller-port", defaultValue = "9093",
            description = "KRaft controller port of the embedded default's broker (default: ${DEFAULT-VALUE}).")
    private int embeddedControllerPort;

    @Option(names = "--topics-dir", paramLabel = "DIR",
            description = "Topic definitions to create missing topics from (default: those the jar carries, the same as topics/).")
    private Path topicsDir;

    public Path dataDir() {
        return dataDir;
    }

    public Path stateDir() {
        return stateDir != null ? stateDir : dataDir.resolve("state");
    }

    public String httpHost() {
        return httpHost;
    }

    public int httpPort() {
        return httpPort;
    }

    public String applicationServer() {
        return applicationServer != null ? applicationServer : "localhost:" + httpPort;
    }

    public String applicationId() {
        return applicationId;
    }

    public String processingGuarantee() {
        return processingGuarantee;
    }

    public int streamThreads() {
        return streamThreads;
    }

    public Duration commitInterval() {
        return commitInterval;
    }

    public Duration sessionTimeout() {
        return sessionTimeout;
    }

    public int standbyReplicas() {
        return standbyReplicas;
    }

    public long maxStandbyLag() {
        return maxStandbyLag;
    }

    public Duration queryTimeout() {
        return queryTimeout;
    }

    public Duration forwardTimeout() {
        return forwardTimeout;
    }

    public Duration dedupRetention() {
        return dedupRetention;
    }

    /** Bucket retention and grace, checked against each other by {@link #validate()}. */
    public BucketSettings buckets() {
        return new BucketSettings(hourlyRetention, dailyRetention, bucketGrace);
    }

    public Optional<String> apiToken() {
        return Optional.ofNullable(apiToken).filter(token -> !token.isBlank());
    }

    public Optional<Path> geoipDb() {
        return Optional.ofNullable(geoipDb);
    }

    public long rocksdbMemory() {
        return rocksdbMemory;
    }

    public long rocksdbWriteBuffers() {
        return rocksdbWriteBuffers;
    }

    public long recordCache() {
        return recordCache;
    }

    public Duration cacheMaxAge() {
        return cacheMaxAge;
    }

    public long maxRequestBytes() {
        return maxRequestBytes;
    }

    public int maxBatchEvents() {
        return maxBatchEvents;
    }

    public Duration publishTimeout() {
        return publishTimeout;
    }

    public Duration drainTimeout() {
        return drainTimeout;
    }

    public int embeddedKafkaPort() {
        return embeddedKafkaPort;
    }

    public int embeddedControllerPort() {
        return embeddedControllerPort;
    }

    public Optional<Path> topicsDir() {
        return Optional.ofNullable(topicsDir);
    }

    /** Checks what picocli's types cannot; throws a ParameterException naming the option. */
    public void validate() {
        require(httpPort >= 0 && httpPort <= 65535, "--http-port must be 0..65535");
        require(processingGuarantee.equals("exactly_once_v2") || processingGuarantee.equals("at_least_once"),
                "--processing-guarantee must be exactly_once_v2 or at_least_once");
        require(streamThreads >= 1, "--stream-threads must be at least 1");
        require(!commitInterval.isNegative() && !commitInterval.isZero(), "--commit-interval must be positive");
        require(standbyReplicas >= 0, "--standby-replicas must be 0 or more");
        require(maxStandbyLag >= 0, "--max-standby-lag must be 0 or more");
        require(!queryTimeout.isNegative(), "--query-timeout must not be negative");
        require(!drainTimeout.isNegative(), "--drain-timeout must not be negative");
        require(forwardTimeout.toMillis() >= 1, "--forward-timeout must be positive");
        require(sessionTimeout.toMillis() >= 2000, "--session-timeout must be at least 2s");
        require(dedupRetention.toMillis() >= 1000, "--dedup-retention must be at least 1s");
        try {
            buckets();
        } catch (IllegalArgumentException e) {
            require(false, "--hourly-retention, --daily-retention and --bucket-grace: " + e.getMessage());
        }
        require(rocksdbWriteBuffers > 0 && rocksdbWriteBuffers <= rocksdbMemory,
                "--rocksdb-write-buffers must be positive and at most --rocksdb-memory");
        require(maxRequestBytes >= 1024, "--max-request-bytes must be at least 1KiB");
        require(maxBatchEvents >= 1, "--max-batch-events must be at least 1");
        require(applicationServer().matches("[^:\\s]+:\\d+"), "--application-server must be HOST:PORT");
    }

    private void require(boolean condition, String message) {
        if (!condition) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }
}
