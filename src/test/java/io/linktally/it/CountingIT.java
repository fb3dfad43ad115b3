package io.linktally.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linktally.events.DeadLetterHeaders;
import io.linktally.events.Topics;
import io.linktally.kafka.KafkaClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Counting on a real broker through real HTTP, with the service as users run it. */
class CountingIT {
    private TestBroker broker;
    private final CountsClient client = new CountsClient();

    @BeforeEach
    void startBroker() {
        broker = TestBroker.start();
    }

    @AfterEach
    void stopBroker() {
        broker.close();
    }

    @Test
    void countsEventsPostedOverHttpAndProducedToKafkaExactlyAndKeepsThemAcrossARestart() throws Exception {
        String app = "it-counting";
        Path data = Files.createTempDirectory(Path.of("target"), "it-serve-");
        ShareDataSet first = ShareDataSet.generate(1, "c", 3000, 120, 0.1);
        List<ShareDataSet.Share> overHttp = first.shares().subList(0, 1500);
        List<ShareDataSet.Share> toKafka = first.shares().subList(1500, first.shares().size());

        try (ServeProcess serve = ServeProcess.create("counting-1", broker.bootstrapServers(), data, app).start().awaitReady()) {
            postOverHttp(serve, overHttp);
            produce(toKafka);
            awaitExactCounts(serve, app, first.expected());

            CountsClient.Answer one = client.get(serve, "/v1/counts?url=" + first.urls().get(0));
            assertThat(one.status()).isEqualTo(200);
            assertThat(one.body().get("shares").asLong()).isEqualTo(first.expected().get(first.urls().get(0)));
            assertThat(one.body().get("clicks").asLong()).isZero();
            assertThat(client.get(serve, "/1/links/shares.json?url=" + first.urls().get(1)).body().get("shares").asLong())
                    .isEqualTo(first.expected().get(first.urls().get(1)));
            assertThat(serve.stop()).as("exit status after SIGTERM").isZero();
        }

        ShareDataSet second = ShareDataSet.generate(2, "d", 1000, 120, 0.1);
        try (ServeProcess serve = ServeProcess.create("counting-2", broker.bootstrapServers(), data, app).start().awaitReady()) {
            ExpectedCounts.assertEqual(client.shares(serve, first.urls()), first.expected());

            postOverHttp(serve, second.shares());
            awaitExactCounts(serve, app, ShareDataSet.merge(first.expected(), second.expected()));
        }
    }

    @Test
    void clicksOverHttpAndKafkaAreCountedBesideSharesOncePerClickId() throws Exception {
        String app = "it-clicks";
        Path data = Files.createTempDirectory(Path.of("target"), "it-serve-");
        List<String> urls = List.of("https://buffer.com/a", "https://buffer.com/b", "https://buffer.com/c");
        Map<String, Long> expectedClicks = new java.util.HashMap<>();
        java.util.Set<String> ids = new java.util.HashSet<>();
        List<String> overHttp = new ArrayList<>();
        List<String[]> toKafka = new ArrayList<>();
        for (int i = 0; i < 900; i++) {
            String url = urls.get(i % 3);
            // Every tenth click has no id and counts each time; every seventh is a retry of the
            // click three before it, on the same URL.
            String id = i % 10 == 0 ? null : "k-" + (i % 7 == 0 && i > 3 ? i - 3 : i);
            if (id == null || ids.add(id)) {
                expectedClicks.merge(url, 1L, Long::sum);
            }
            String json = "{\"url\":\"" + url.replace("https://", i % 2 == 0 ? "https://www." : "HTTPS://") + "\""
                    + (id == null ? "" : ",\"click_id\":\"" + id + "\"") + ",\"user_agent\":\"Mozilla/5.0\",\"ip\":\"203.0.113." + i % 256 + "\"}";
            if (i % 2 == 0) {
                overHttp.add(json);
            } else {
                toKafka.add(new String[] {id, json});
            }
        }

        try (ServeProcess serve = ServeProcess.create("clicks", broker.bootstrapServers(), data, app).start().awaitReady();
             Producer<byte[], byte[]> producer = KafkaClients.eventProducer(broker.bootstrapServers(), "it-clicks")) {
            for (int from = 0; from < overHttp.size(); from += 150) {
                CountsClient.Answer answer = client.postEvents(serve, "/v1/events/clicks",
                        String.join("\n", overHttp.subList(from, Math.min(overHttp.size(), from + 150))));
                assertThat(answer.status()).isEqualTo(202);
            }
            for (String[] click : toKafka) {
                producer.send(new ProducerRecord<>(Topics.LINKS_CLICKED, click[0] == null ? null : click[0].getBytes(StandardCharsets.UTF_8),
                        click[1].getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
            CountsClient.Answer share = client.postEvents(serve, "{\"url\":\"https://buffer.com/a\",\"update_id\":\"k-1\"}");
            assertThat(share.status()).isEqualTo(202);

            await("no lag for " + app).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                    .until(() -> StreamsLag.of(broker.bootstrapServers(), app) == 0);
            await("exact clicks").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
                    .untilAsserted(() -> ExpectedCounts.assertEqual(client.clicks(serve, urls), expectedClicks));
            ExpectedCounts.assertEqual(client.shares(serve, urls), Map.of("https://buffer.com/a", 1L, "https://buffer.com/b", 0L,
                    "https://buffer.com/c", 0L));
            assertThat(expectedClicks.values().stream().mapToLong(Long::longValue).sum()).isBetween(700L, 850L);
        }
    }

    @Test
    void deadLettersPoisonRecordsUnderExactlyOnceWithoutChangingACount() throws Exception {
        String app = "it-poison";
        Path data = Files.createTempDirectory(Path.of("target"), "it-serve-");
        ShareDataSet valid = ShareDataSet.generate(3, "p", 400, 40, 0.1);
        byte[] tooLarge = new byte[70_000];
        Arrays.fill(tooLarge, (byte) 'x');
        List<byte[]> poison = List.of(
                "not json".getBytes(StandardCharsets.UTF_8),
                "{\"url\":\"ftp://example.com/\",\"update_id\":\"p-x\"}".getBytes(StandardCharsets.UTF_8),
                "{\"update_id\":\"p-y\"}".getBytes(StandardCharsets.UTF_8),
                new byte[] {'{', '"', 'u', 'r', 'l', '"', ':', '"', (byte) 0xFF, '"', '}'},
                tooLarge);

        try (ServeProcess serve = ServeProcess.create("poison", broker.bootstrapServers(), data, app).start().awaitReady();
             Producer<byte[], byte[]> producer = KafkaClients.eventProducer(broker.bootstrapServers(), "it-poison")) {
            List<ShareDataSet.Share> shares = valid.shares();
            for (int i = 0; i < shares.size(); i++) {
                producer.send(new ProducerRecord<>(Topics.LINKS_CREATED, shares.get(i).key(), shares.get(i).value()));
                if (i % 80 == 0) {
                    producer.send(new ProducerRecord<>(Topics.LINKS_CREATED, ("poison-" + i).getBytes(StandardCharsets.UTF_8), poison.get(i / 80)));
                }
            }
            producer.send(new ProducerRecord<>(Topics.LINKS_CREATED, "tombstone".getBytes(StandardCharsets.UTF_8), null));
            producer.flush();

            awaitExactCounts(serve, app, valid.expected());
            assertThat(serve.isAlive()).isTrue();

            List<ConsumerRecord<byte[], byte[]>> dead = readAll(Topics.DEAD_LETTER, poison.size() + 1);
            assertThat(dead).hasSize(poison.size() + 1);
            Map<String, ConsumerRecord<byte[], byte[]>> byKey = dead.stream()
                    .collect(Collectors.toMap(r -> new String(r.key(), StandardCharsets.UTF_8), r -> r));
            for (int i = 0; i < poison.size(); i++) {
                ConsumerRecord<byte[], byte[]> record = byKey.get("poison-" + (i * 80));
                assertThat(record.value()).isEqualTo(poison.get(i));
                assertThat(header(record, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(Topics.LINKS_CREATED);
                assertThat(Integer.parseInt(header(record, DeadLetterHeaders.SOURCE_PARTITION))).isBetween(0, 5);
                assertThat(Long.parseLong(header(record, DeadLetterHeaders.SOURCE_OFFSET))).isNotNegative();
            }
            assertThat(header(byKey.get("poison-0"), DeadLetterHeaders.REASON)).startsWith("invalid JSON: ");
            assertThat(header(byKey.get("poison-80"), DeadLetterHeaders.REASON)).isEqualTo("field 'url': url must be absolute http or https");
            assertThat(header(byKey.get("poison-160"), DeadLetterHeaders.REASON)).isEqualTo("field 'url' is required");
            assertThat(header(byKey.get("poison-240"), DeadLetterHeaders.REASON)).isEqualTo("event is not valid UTF-8");
            assertThat(header(byKey.get("poison-320"), DeadLetterHeaders.REASON)).isEqualTo("event is 70000 bytes, more than 65536");
            assertThat(header(byKey.get("tombstone"), DeadLetterHeaders.REASON)).isEqualTo("empty record");
        }
    }

    private void postOverHttp(ServeProcess serve, List<ShareDataSet.Share> shares) throws Exception {
        for (int from = 0; from < shares.size(); from += 200) {
            List<ShareDataSet.Share> batch = shares.subList(from, Math.min(shares.size(), from + 200));
            String ndjson = batch.stream().map(ShareDataSet.Share::json).collect(Collectors.joining("\n", "", "\n"));
            CountsClient.Answer answer = client.postEvents(serve, ndjson);
            assertThat(answer.status()).isEqualTo(202);
            assertThat(answer.body().get("accepted").asInt()).isEqualTo(batch.size());
        }
    }

    private void produce(List<ShareDataSet.Share> shares) {
        try (Producer<byte[], byte[]> producer = KafkaClients.eventProducer(broker.bootstrapServers(), "it-producer")) {
            shares.forEach(share -> producer.send(new ProducerRecord<>(Topics.LINKS_CREATED, share.key(), share.value())));
        }
    }

    /** Waits until everything published is counted and committed, then the counts must be exact. */
    private void awaitExactCounts(ServeProcess serve, String app, Map<String, Long> expected) {
        await("no lag for " + app).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .until(() -> StreamsLag.of(broker.bootstrapServers(), app) == 0);
        await("exact counts").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> ExpectedCounts.assertEqual(client.shares(serve, new ArrayList<>(expected.keySet())), expected));
    }

    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int atLeast) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + System.nanoTime());
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            await("records on " + topic).atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= atLeast;
            });
            // Anything beyond the expected records would be a duplicate: read once more to see it.
            consumer.poll(Duration.ofSeconds(1)).forEach(records::add);
        }
        return records;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
