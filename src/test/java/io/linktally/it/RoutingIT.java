package io.linktally.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linktally.events.Topics;
import io.linktally.kafka.KafkaClients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Three instances against one cluster: any of them answers any URL, and losing one breaks no answer. */
class RoutingIT {
    private static final String APP = "it-routing";
    private static final Duration RECOVERY_BOUND = Duration.ofSeconds(45);
    /** serve's default; each stream thread's consumer is a member of the group. */
    private static final int STREAM_THREADS = 2;

    private TestBroker broker;
    private final List<ServeProcess> instances = new ArrayList<>();
    private final CountsClient client = new CountsClient();

    @BeforeEach
    void startBroker() {
        broker = TestBroker.start();
    }

    @AfterEach
    void stopAll() {
        instances.forEach(ServeProcess::close);
        broker.close();
    }

    private int stableMembers() throws Exception {
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(APP)).describedGroups().get(APP).get();
            return group.groupState() == GroupState.STABLE ? group.members().size() : -1;
        }
    }

    /** One unlabelled value from the instance's Prometheus text. */
    private static double metric(ServeProcess serve, String name) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(serve.uri("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body().lines().filter(line -> line.startsWith(name + " ")).findFirst()
                .map(line -> Double.parseDouble(line.substring(name.length() + 1)))
                .orElseThrow(() -> new AssertionError(name + " missing from /metrics"));
    }

    private ServeProcess instance(String name, Path data) {
        ServeProcess serve = ServeProcess.create(name, broker.bootstrapServers(), data, APP, "--standby-replicas", "1").start();
        instances.add(serve);
        return serve;
    }

    @Test
    void everyInstanceAnswersEveryUrlAndLosingOneBreaksNoAnswer() throws Exception {
        List<ServeProcess> serves = List.of(
                instance("routing-a", Files.createTempDirectory(Path.of("target"), "it-routing-a-")),
                instance("routing-b", Files.createTempDirectory(Path.of("target"), "it-routing-b-")),
                instance("routing-c", Files.createTempDirectory(Path.of("target"), "it-routing-c-")));
        serves.forEach(ServeProcess::awaitReady);
        ShareDataSet data = ShareDataSet.generate(21, "r", 3000, 150, 0.1);
        try (Producer<byte[], byte[]> producer = KafkaClients.eventProducer(broker.bootstrapServers(), "it-routing")) {
            data.shares().forEach(share -> producer.send(new ProducerRecord<>(Topics.LINKS_CREATED, share.key(), share.value())));
        }
        await("no lag").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .until(() -> StreamsLag.of(broker.bootstrapServers(), APP) == 0);

        for (ServeProcess serve : serves) {
            await("exact batch answers from " + serve.uri("/")).atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .untilAsserted(() -> ExpectedCounts.assertEqual(client.shares(serve, data.urls()), data.expected()));
            for (String url : data.urls().subList(0, 20)) {
                CountsClient.Answer one = client.get(serve, "/v1/counts?url=" + url);
                assertThat(one.status()).isEqualTo(200);
                assertThat(one.body().get("shares").asLong()).isEqualTo(data.expected().get(url));
            }
        }

        assertThat(metric(serves.get(0), "linktally_lookups_forwarded_total")).as("URLs forwarded to their owners").isPositive();

        // Steady lookups against the two that stay, while the third dies without warning.
        List<ServeProcess> survivors = serves.subList(0, 2);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong answered = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong wrong = new AtomicLong();
        AtomicLong lastFailureAt = new AtomicLong();
        AtomicLong killedAt = new AtomicLong(System.nanoTime());
        List<String> wrongAnswers = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
            Random random = new Random(5);
            while (running.get()) {
                ServeProcess serve = survivors.get(random.nextInt(2));
                String url = data.urls().get(random.nextInt(data.urls().size()));
                try {
                    CountsClient.Answer answer = client.get(serve, "/v1/counts?url=" + url);
                    if (answer.status() != 200) {
                        failed.incrementAndGet();
                        lastFailureAt.set(System.nanoTime());
                    } else if (answer.body().get("shares").asLong() != data.expected().get(url)) {
                        wrong.incrementAndGet();
                        wrongAnswers.add(String.format("%s from %s: %d shares, expected %d; source %s, standby lag %s, %.1f s after the kill",
                                url, serve.uri("/"), answer.body().get("shares").asLong(), data.expected().get(url),
                                answer.headers().firstValue("X-Linktally-Source").orElse("active"),
                                answer.headers().firstValue("X-Linktally-Standby-Lag").orElse("-"),
                                (System.nanoTime() - killedAt.get()) / 1e9));
                    } else {
                        answered.incrementAndGet();
                    }
                } catch (Exception e) {
                    failed.incrementAndGet();
                    lastFailureAt.set(System.nanoTime());
                }
            }
        });
        await("lookups flowing").atMost(Duration.ofSeconds(10)).until(() -> answered.get() > 100);
        killedAt.set(System.nanoTime());
        serves.get(2).kill();
        await("both survivors answer every URL exactly").atMost(RECOVERY_BOUND).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().untilAsserted(() -> {
                    for (ServeProcess serve : survivors) {
                        ExpectedCounts.assertEqual(client.shares(serve, data.urls()), data.expected());
                    }
                });
        long recoveredAt = System.nanoTime();
        // The load stays on through the session timeout and the rebalance that hands the lost
        // instance's partitions to the survivors: that moment must not break an answer either.
        await("the group rebalanced to the two survivors").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> stableMembers() == 2 * STREAM_THREADS);
        await("every URL exact after the rebalance").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().untilAsserted(() -> {
                    for (ServeProcess serve : survivors) {
                        ExpectedCounts.assertEqual(client.shares(serve, data.urls()), data.expected());
                    }
                });
        running.set(false);
        load.get(30, TimeUnit.SECONDS);
        double lastFailure = lastFailureAt.get() == 0 ? 0 : (lastFailureAt.get() - killedAt.get()) / 1e9;
        System.out.printf("RoutingIT: after the kill, %d lookups answered, %d failed (last %.1f s after the kill), %d wrong; "
                + "every URL exact on both survivors %.1f s after the kill%n",
                answered.get(), failed.get(), lastFailure, wrong.get(), (recoveredAt - killedAt.get()) / 1e9);
        assertThat(wrongAnswers).as("lookups answered with a wrong count").isEmpty();
        assertThat(wrong.get()).isZero();
        double standbyAnswers = metric(survivors.get(0), "linktally_lookups_standby_total")
                + metric(survivors.get(1), "linktally_lookups_standby_total");
        System.out.printf("RoutingIT: %.0f URLs answered from standby copies while the owner was gone%n", standbyAnswers);
        // Stateful tasks are balanced, so the lost instance owned count partitions whose standbys had to answer.
        assertThat(standbyAnswers).as("answers from standby copies during the outage").isPositive();

        // The lost instance comes back with nothing on disk: it restores and answers again.
        ServeProcess reborn = instance("routing-c-wiped", Files.createTempDirectory(Path.of("target"), "it-routing-c2-")).awaitReady();
        await("the wiped instance answers every URL exactly").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .ignoreExceptions().untilAsserted(() -> ExpectedCounts.assertEqual(client.shares(reborn, data.urls()), data.expected()));
        for (ServeProcess serve : survivors) {
            ExpectedCounts.assertEqual(client.shares(serve, data.urls()), data.expected());
        }
    }
}
