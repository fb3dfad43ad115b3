package io.linktally.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linktally.events.SyntheticLinks;
import io.linktally.events.Topics;
import io.linktally.kafka.KafkaClients;
import io.linktally.kafka.KafkaConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.junit.jupiter.api.Test;

/**
 * An instance that owns partitions it is still restoring answers for them from another instance's
 * standby copies, top links and counts alike, and from its own stores once restored. The restore
 * is held back by a broker quota on the restoring instance's user, so the window is as long as
 * the test wants rather than as long as the changelog happens to be.
 */
class RestoringOwnerIT {
    private static final String APP = "it-restoring-owner";
    private static final String TOP = "/v1/top?metric=shares&window=24h&limit=50";

    private final CountsClient client = new CountsClient();
    private final Instant since = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(1));

    @Test
    void anOwnerStillRestoringAnswersFromTheStandbysThenFromItsOwnStores() throws Exception {
        try (TestBroker broker = TestBroker.startWithSasl()) {
            KafkaConnection first = new KafkaConnection(broker.bootstrapServers(), TestBroker.saslClientSettings());
            // Any instance counts as caught up, so the wiped one is given back active partitions at
            // once, and restores them while the other holds caught-up standby copies.
            Path firstConfig = config(TestBroker.saslClientSettings());
            Path secondConfig = config(TestBroker.saslClientSettings(TestBroker.SECOND_SASL_USER, TestBroker.SECOND_SASL_PASSWORD));
            List<ServeProcess> running = new ArrayList<>();
            try {
                ServeProcess a = start(running, "restoring-a", broker, firstConfig).awaitReady();
                List<String> urls = produce(first, 3000, 200);
                ServeProcess b = start(running, "restoring-b", broker, secondConfig).awaitReady();
                try (Admin admin = KafkaClients.admin(first)) {
                    await("no lag").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                            .until(() -> StreamsLag.progress(admin, APP).lag() == 0);
                }
                AtomicReference<String> top = new AtomicReference<>();
                await("both answer the same top links from active stores").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                        .ignoreExceptions().until(() -> {
                            CountsClient.Answer fromA = client.get(a, TOP);
                            CountsClient.Answer fromB = client.get(b, TOP);
                            top.set(fromA.body().toString());
                            return fromA.status() == 200 && fromB.status() == 200 && fromA.body().equals(fromB.body())
                                    && fromA.headers().firstValue(CountsClient.SOURCE).isEmpty()
                                    && fromB.headers().firstValue(CountsClient.SOURCE).isEmpty();
                        });
                assertThat(top.get()).contains("\"count\"");
                Map<String, Long> counts = new HashMap<>();
                Map<String, String> series = new HashMap<>();
                for (String url : urls) {
                    counts.put(url, client.get(a, "/v1/counts?url=" + url).body().get("shares").asLong());
                    series.put(url, client.get(a, timeseries(url)).body().toString());
                }

                assertThat(b.stop()).isZero();
                quota(first, 256.0);
                ServeProcess wiped = start(running, "restoring-b-wiped", broker, secondConfig);

                AtomicReference<String> last = new AtomicReference<>("no answer");
                // Collected rather than asserted inside the polls, which would take a failed assertion for "not yet".
                List<String> wrong = Collections.synchronizedList(new ArrayList<>());
                await("the wiped owner answers top links from a standby copy").atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                        .conditionEvaluationListener(condition -> {
                            if (condition.getRemainingTimeInMS() <= 250) {
                                System.out.println("RestoringOwnerIT: last top answer of the wiped owner: " + last.get());
                            }
                        }).until(() -> {
                            CountsClient.Answer answer = client.get(wiped, TOP);
                            last.set(answer.status() + " " + answer.headers().map() + " " + answer.body());
                            if (answer.status() == 200 && !answer.body().toString().equals(top.get())) {
                                wrong.add(last.get());
                            }
                            return answer.status() == 200 && answer.headers().firstValue(CountsClient.SOURCE).orElse("").equals("standby");
                        });
                assertThat(wrong).as("top links from the wiped instance unlike the expected ones").isEmpty();
                int fromStandby = 0;
                int seriesFromStandby = 0;
                for (String url : urls) {
                    CountsClient.Answer answer = client.get(wiped, "/v1/counts?url=" + url);
                    assertThat(answer.status()).isEqualTo(200);
                    assertThat(answer.body().get("shares").asLong()).as(url).isEqualTo(counts.get(url));
                    fromStandby += answer.headers().firstValue(CountsClient.SOURCE).isPresent() ? 1 : 0;
                    CountsClient.Answer points = client.get(wiped, timeseries(url));
                    assertThat(points.status()).isEqualTo(200);
                    assertThat(points.body().toString()).as(url).isEqualTo(series.get(url));
                    seriesFromStandby += points.headers().firstValue(CountsClient.SOURCE).isPresent() ? 1 : 0;
                }
                assertThat(fromStandby).as("URLs of the partitions it restores, counts answered by standbys").isPositive();
                assertThat(seriesFromStandby).as("URLs of the partitions it restores, time series answered by standbys").isPositive();

                quota(first, null);
                await("the wiped owner answers from its own restored stores").atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
                            CountsClient.Answer answer = client.get(wiped, TOP);
                            if (answer.status() == 200 && !answer.body().toString().equals(top.get())) {
                                wrong.add(answer.headers().map() + " " + answer.body());
                            }
                            return answer.status() == 200 && answer.headers().firstValue(CountsClient.SOURCE).isEmpty();
                        });
                assertThat(wrong).as("top links from the wiped instance unlike the expected ones").isEmpty();
                for (String url : urls) {
                    assertThat(client.get(wiped, "/v1/counts?url=" + url).body().get("shares").asLong()).as(url).isEqualTo(counts.get(url));
                }
            } finally {
                running.forEach(ServeProcess::close);
            }
        }
    }

    /** Shares by hour over a fixed range, so that answers asked at different times are the same. */
    private String timeseries(String url) {
        return "/v1/timeseries?url=" + url + "&metric=shares&interval=hour&from=" + since + "&to=" + since.plus(Duration.ofHours(3));
    }

    private static ServeProcess start(List<ServeProcess> running, String name, TestBroker broker, Path config) throws Exception {
        ServeProcess serve = ServeProcess.create(name, broker.bootstrapServers(), Files.createTempDirectory(Path.of("target"), "it-" + name + "-"),
                APP, "--kafka-config", config.toString(), "--standby-replicas", "1").start();
        running.add(serve);
        return serve;
    }

    private static Path config(Map<String, String> login) throws Exception {
        Map<String, String> settings = new HashMap<>(login);
        settings.put("acceptable.recovery.lag", "1000000000");
        return TestBroker.clientConfigFile(settings);
    }

    /** Shares of {@code distinct} URLs, stamped now so that they are in the top windows; the URLs. */
    private static List<String> produce(KafkaConnection connection, int events, int distinct) {
        SyntheticLinks links = new SyntheticLinks(7, distinct, 1.1, 0.0, System.currentTimeMillis() / 1000);
        try (Producer<byte[], byte[]> producer = KafkaClients.eventProducer(connection, "it-restoring")) {
            for (int i = 0; i < events; i++) {
                SyntheticLinks.Event event = links.next();
                producer.send(new ProducerRecord<>(Topics.LINKS_CREATED, event.key(), event.value()));
            }
        }
        List<String> urls = new ArrayList<>();
        for (int rank = 1; rank <= 40; rank++) {
            urls.add(SyntheticLinks.canonicalUrl(rank));
        }
        return urls;
    }

    /** The second user's fetch rate, in bytes a second; none when null. */
    private static void quota(KafkaConnection connection, Double bytesPerSecond) throws Exception {
        try (Admin admin = KafkaClients.admin(connection)) {
            admin.alterClientQuotas(List.of(new ClientQuotaAlteration(new ClientQuotaEntity(Map.of(ClientQuotaEntity.USER, TestBroker.SECOND_SASL_USER)),
                    List.of(new ClientQuotaAlteration.Op("consumer_byte_rate", bytesPerSecond))))).all().get(30, TimeUnit.SECONDS);
        }
    }
}
