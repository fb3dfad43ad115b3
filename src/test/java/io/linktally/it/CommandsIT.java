package io.linktally.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linktally.archive.ArchiveReader;
import io.linktally.archive.ArchivedRecord;
import io.linktally.archive.FileObjectStore;
import io.linktally.config.ArchiveOptions;
import io.linktally.events.SyntheticLinks;
import io.linktally.events.Topics;
import io.linktally.kafka.KafkaClients;
import io.linktally.kafka.KafkaConnection;
import io.linktally.kafka.SingleNodeBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/** The commands as a user runs them: the packaged jar, its output and its exit status. */
class CommandsIT {
    private static final Path JAR = Path.of(System.getProperty("linktally.jar", "target/linktally.jar"));

    record Run(int exit, String out, String err) {
    }

    @Test
    void brokerIsFormattedOnFirstStartAndReusedOnTheNext() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "it-broker-reuse-");
        int port = FreePorts.next();
        int controller = FreePorts.next();
        try (SingleNodeBroker broker = SingleNodeBroker.start(dir, "localhost", port, controller);
             Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic("kept", 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        String clusterId = Files.readString(dir.resolve("kafka/meta.properties"));
        try (SingleNodeBroker broker = SingleNodeBroker.start(dir, "localhost", port, controller);
             Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("kept");
        }
        assertThat(Files.readString(dir.resolve("kafka/meta.properties"))).isEqualTo(clusterId);
    }

    @Test
    void topicsCreatesWhatIsMissingAndReportsWhatDiffers() throws Exception {
        try (TestBroker broker = TestBroker.startEmpty()) {
            Run first = linktally("topics", "--bootstrap-servers", broker.bootstrapServers());
            assertThat(first.exit()).isZero();
            assertThat(first.out().lines()).containsExactlyInAnyOrder(
                    "created  links.created", "created  links.clicked", "created  links.dead-letter");

            Run again = linktally("topics", "--bootstrap-servers", broker.bootstrapServers());
            assertThat(again.exit()).isZero();
            assertThat(again.out().lines()).containsExactlyInAnyOrder(
                    "ok       links.created", "ok       links.clicked", "ok       links.dead-letter");

            Path dir = Files.createTempDirectory(Path.of("target"), "it-topics-");
            Files.writeString(dir.resolve(Topics.LINKS_CREATED), "partitions=12\nreplication.factor=1\nretention.ms=1000\n");
            Run differs = linktally("topics", "--bootstrap-servers", broker.bootstrapServers(), "--topics-dir", dir.toString());
            assertThat(differs.exit()).isEqualTo(1);
            assertThat(differs.out().lines()).containsExactlyInAnyOrder(
                    "differs  links.created: partitions 6, file says 12",
                    "differs  links.created: retention.ms=604800000, file says 1000");
            assertThat(differs.err().strip()).isEqualTo("linktally topics: 2 setting(s) differ from the topic files");
        }
    }

    @Test
    void producePublishesEachLineByteForByteKeyedByUpdateId() throws Exception {
        try (TestBroker broker = TestBroker.start()) {
            Path file = Files.createTempFile(Path.of("target"), "events-", ".ndjson");
            String valid = "{\"url\":\"https://buffer.com/é\",\"update_id\":\"u-1\",\"extra\":{\"kept\":true}}";
            String invalid = "{\"url\":\"ftp://nope\"}";
            Files.writeString(file, valid + "\r\n\n" + invalid + "\n", StandardCharsets.UTF_8);

            Run run = linktally("produce", "--bootstrap-servers", broker.bootstrapServers(), "--file", file.toString());

            assertThat(run.exit()).isZero();
            assertThat(run.out().strip()).isEqualTo(
                    "published 2 events to links.created (1 are not valid link-created events and will be dead-lettered)");
            List<ConsumerRecord<byte[], byte[]>> records = readAll(KafkaConnection.of(broker.bootstrapServers()), Topics.LINKS_CREATED, 2);
            assertThat(records).hasSize(2);
            ConsumerRecord<byte[], byte[]> keyed = records.stream().filter(r -> r.key() != null).findFirst().orElseThrow();
            assertThat(keyed.key()).isEqualTo("u-1".getBytes(StandardCharsets.UTF_8));
            assertThat(keyed.value()).isEqualTo(valid.getBytes(StandardCharsets.UTF_8));
            ConsumerRecord<byte[], byte[]> unkeyed = records.stream().filter(r -> r.key() == null).findFirst().orElseThrow();
            assertThat(unkeyed.value()).isEqualTo(invalid.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void produceToATopicThatDoesNotExistSaysSoInOneLine() throws Exception {
        try (TestBroker broker = TestBroker.startEmpty()) {
            Run run = linktally("produce", "--bootstrap-servers", broker.bootstrapServers(), "--synthetic", "10");

            assertThat(run.exit()).isEqualTo(1);
            assertThat(run.err().strip()).isEqualTo("linktally produce: the topic links.created does not exist on "
                    + broker.bootstrapServers() + ": create it first (linktally topics creates the contract's topics;"
                    + " serve creates them when it starts)");
            try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain(Topics.LINKS_CREATED);
            }
        }
    }

    @Test
    void everyClientReachesASecuredClusterWithTheSettingsOfKafkaConfig() throws Exception {
        try (TestBroker broker = TestBroker.startWithSasl()) {
            Path config = saslConfigFile();

            Run topics = linktally("topics", "--bootstrap-servers", broker.bootstrapServers(), "--kafka-config", config.toString());
            assertThat(topics.exit()).isZero();
            assertThat(topics.out().lines()).containsExactlyInAnyOrder(
                    "created  links.created", "created  links.clicked", "created  links.dead-letter");

            Run produce = linktally("produce", "--bootstrap-servers", broker.bootstrapServers(), "--kafka-config", config.toString(),
                    "--synthetic", "20", "--urls", "1", "--duplicates", "0");
            assertThat(produce.exit()).isZero();
            assertThat(produce.out().strip()).isEqualTo("published 20 events to links.created (0 repeat an earlier update_id)");

            // serve's admin, Kafka Streams (exactly-once) and HTTP producer all log in with the same file.
            Path data = Files.createTempDirectory(Path.of("target"), "it-sasl-serve-");
            try (ServeProcess serve = ServeProcess.create("sasl", broker.bootstrapServers(), data, "it-sasl",
                    "--kafka-config", config.toString()).start().awaitReady()) {
                CountsClient client = new CountsClient();
                await("the produced shares counted").atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                        assertThat(client.get(serve, "/v1/counts?url=" + SyntheticLinks.canonicalUrl(1)).body().get("shares").asLong())
                                .isEqualTo(20));
                CountsClient.Answer posted = client.postEvents(serve,
                        "{\"url\": \"https://buffer.com/sasl\", \"created_at\": \"1480431305\", \"update_id\": \"sasl-1\"}");
                assertThat(posted.status()).isEqualTo(202);
                await("the posted share counted").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                        assertThat(client.get(serve, "/v1/counts?url=https://buffer.com/sasl").body().get("shares").asLong()).isEqualTo(1));
            }
        }
    }

    @Test
    void archiveAndReplayReachASecuredClusterWithTheSettingsOfKafkaConfig() throws Exception {
        try (TestBroker broker = TestBroker.startWithSasl()) {
            Path config = saslConfigFile();
            KafkaConnection sasl = new KafkaConnection(broker.bootstrapServers(), TestBroker.saslClientSettings());
            assertThat(linktally("topics", "--bootstrap-servers", broker.bootstrapServers(), "--kafka-config", config.toString()).exit())
                    .isZero();
            try (Admin admin = KafkaClients.admin(sasl)) {
                admin.createTopics(List.of(new NewTopic("links.replayed", 6, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            assertThat(linktally("produce", "--bootstrap-servers", broker.bootstrapServers(), "--kafka-config", config.toString(),
                    "--synthetic", "20").exit()).isZero();

            Path archive = Files.createTempDirectory(Path.of("target"), "it-sasl-archive-");
            try (CommandProcess archiver = CommandProcess.archive("sasl-archive", Map.of(), List.of("--bootstrap-servers",
                    broker.bootstrapServers(), "--kafka-config", config.toString(), "--archive", "file:" + archive,
                    "--topics", Topics.LINKS_CREATED, "--max-object-age", "1s"));
                 Admin admin = KafkaClients.admin(sasl)) {
                await("the archiver stored and committed all 20").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                        .until(() -> admin.listConsumerGroupOffsets(ArchiveOptions.DEFAULT_GROUP).partitionsToOffsetAndMetadata()
                                .get(30, TimeUnit.SECONDS).values().stream().mapToLong(OffsetAndMetadata::offset).sum() == 20);
                assertThat(archiver.stop()).as("exit status after SIGTERM").isZero();
            }

            Run replay = linktally("replay", "--bootstrap-servers", broker.bootstrapServers(), "--kafka-config", config.toString(),
                    "--from", "file:" + archive, "--topics", Topics.LINKS_CREATED, "--to-topic", Topics.LINKS_CREATED + "=links.replayed");
            assertThat(replay.exit()).isZero();
            assertThat(readAll(sasl, "links.replayed", 20)).hasSize(20);
        }
    }

    private static Path saslConfigFile() throws IOException {
        return TestBroker.clientConfigFile(TestBroker.saslClientSettings());
    }

    @Test
    void kafkaConfigCannotChangeWhatTheGuaranteesRestOn() throws Exception {
        try (TestBroker broker = TestBroker.start()) {
            Path config = Files.createTempFile(Path.of("target"), "kafka-acks-", ".properties");
            Files.writeString(config, "acks=1\nrequest.timeout.ms=20000\n");
            Run run = linktally("produce", "--bootstrap-servers", broker.bootstrapServers(), "--kafka-config", config.toString(),
                    "--synthetic", "1");
            assertThat(run.exit()).isEqualTo(1);
            assertThat(run.err().strip()).isEqualTo("linktally produce: --kafka-config sets what linktally sets itself for its event producer:"
                    + " acks=1 (linktally: all); remove it from the file (where linktally has an option for it,"
                    + " such as --session-timeout, use that)");

            Files.writeString(config, "bootstrap.servers=elsewhere:9092\n");
            Run elsewhere = linktally("topics", "--bootstrap-servers", broker.bootstrapServers(), "--kafka-config", config.toString());
            assertThat(elsewhere.exit()).isEqualTo(2);
            assertThat(elsewhere.err().strip()).isEqualTo(
                    "linktally topics: --kafka-config sets bootstrap.servers: give the cluster with --bootstrap-servers instead (see --help)");

            Run missing = linktally("topics", "--kafka-config", "target/no-such.properties");
            assertThat(missing.exit()).isEqualTo(2);
            assertThat(missing.err().strip()).isEqualTo("linktally topics: --kafka-config: no such file target/no-such.properties (see --help)");
        }
    }

    @Test
    void serveWithoutBootstrapServersRunsTheEmbeddedDefault() throws Exception {
        Path data = Files.createTempDirectory(Path.of("target"), "it-embedded-");
        try (ServeProcess serve = ServeProcess.embedded("embedded", data).start().awaitReady()) {
            assertThat(Files.readAllLines(serve.log())).anySatisfy(line -> assertThat(line)
                    .contains("No --bootstrap-servers: running the embedded default").contains(data.toAbsolutePath().toString()));

            CountsClient client = new CountsClient();
            CountsClient.Answer posted = client.postEvents(serve,
                    "{\"url\": \"https://buffer.com\", \"created_at\": \"1480431305\", \"update_id\": \"123456\", \"profile_id\": \"654321\"}");
            assertThat(posted.status()).isEqualTo(202);
            await("count visible").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(client.get(serve, "/v1/counts?url=https://www.buffer.com/").body().toString())
                            .isEqualTo("{\"url\":\"https://www.buffer.com/\",\"canonical_url\":\"https://buffer.com/\",\"shares\":1,\"clicks\":0}"));
            assertThat(data.resolve("kafka/meta.properties")).exists();
            assertThat(data.resolve("state")).isDirectory();
            assertThat(serve.stop()).as("exit status after SIGTERM").isZero();
        }
        // On a stop the archiver stores what it holds: the raw event is in the embedded default's archive.
        FileObjectStore archive = new FileObjectStore(data.resolve("archive"));
        List<String> keys = new ArrayList<>();
        archive.list(Topics.LINKS_CREATED + "/", object -> keys.add(object.key()));
        assertThat(keys).singleElement().asString()
                .matches("links\\.created/dt=\\d{4}-\\d{2}-\\d{2}/hr=\\d{2}/links\\.created\\+\\d\\+00000000000000000000\\.ndjson\\.gz");
        List<ArchivedRecord> archived = new ArrayList<>();
        ArchiveReader.forEach(archive, keys.get(0), archived::add);
        assertThat(archived).singleElement().satisfies(record -> assertThat(new String(record.value(), StandardCharsets.UTF_8))
                .isEqualTo("{\"url\": \"https://buffer.com\", \"created_at\": \"1480431305\", \"update_id\": \"123456\", \"profile_id\": \"654321\"}"));
    }

    @Test
    void archiveRefusesAnArchiveItCannotWriteInOneLine() throws Exception {
        Run run = linktally("archive", "--archive", "gs://bucket/raw");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo(
                "linktally archive: --archive: unknown archive gs://bucket/raw: use s3://bucket/prefix, file:/path or none (see --help)");
        Run none = linktally("archive", "--archive", "none");
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err().strip()).isEqualTo("linktally archive: --archive none leaves the archiver nothing to do (see --help)");
    }

    private static Run linktally(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Path err = Files.createTempFile(Path.of("target"), "stderr-", ".txt");
        Process process = new ProcessBuilder(command).redirectError(err.toFile()).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String stderr = Files.readString(err).lines().filter(l -> l.startsWith("linktally")).reduce("", (a, b) -> a + b + "\n");
        return new Run(process.exitValue(), out, stderr);
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The committed records of a topic, once there are at least {@code count}. */
    private static List<ConsumerRecord<byte[], byte[]>> readAll(KafkaConnection connection, String topic, int count) {
        Properties props = connection.properties("test consumer", Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.GROUP_ID_CONFIG, "it-commands-" + System.nanoTime(), ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(Set.of(topic));
            await("records").atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= count;
            });
        }
        return records;
    }
}
