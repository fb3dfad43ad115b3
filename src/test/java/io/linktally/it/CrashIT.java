package io.linktally.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linktally.events.Topics;
import io.linktally.kafka.KafkaClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SIGKILL while events flow, twice: under exactly-once the restarted process wipes the stores it
 * cannot vouch for, restores them from their changelogs, and resumes from the last committed
 * transaction. HTTP clients retry what failed; dedup by update_id makes the retries harmless.
 */
class CrashIT {
    private static final String APP = "it-crash";
    private TestBroker broker;
    private final CountsClient client = new CountsClient();
    private final AtomicReference<ServeProcess> current = new AtomicReference<>();

    @BeforeEach
    void startBroker() {
        broker = TestBroker.start();
    }

    @AfterEach
    void stopAll() {
        ServeProcess serve = current.get();
        if (serve != null) {
            serve.close();
        }
        broker.close();
    }

    @Test
    void killedAbruptlyWhileEventsFlowThenRestartedEndsWithExactCounts() throws Exception {
        Path data = Files.createTempDirectory(Path.of("target"), "it-crash-");
        ShareDataSet viaKafka = ShareDataSet.generate(11, "k", 24_000, 200, 0.1);
        ShareDataSet viaHttp = ShareDataSet.generate(12, "h", 4_000, 200, 0.1);
        Map<String, Long> expected = ShareDataSet.merge(viaKafka.expected(), viaHttp.expected());
        List<String> urls = new ArrayList<>(expected.keySet());

        current.set(ServeProcess.create("crash-0", broker.bootstrapServers(), data, APP).start().awaitReady());
        AtomicInteger httpRetries = new AtomicInteger();
        CompletableFuture<Void> kafkaFlow = CompletableFuture.runAsync(() -> produceSteadily(viaKafka.shares()));
        CompletableFuture<Void> httpFlow = CompletableFuture.runAsync(() -> postUntilAccepted(viaHttp.shares(), httpRetries));

        for (int kill = 1; kill <= 2; kill++) {
            long threshold = expected.values().stream().mapToLong(Long::longValue).sum() * kill / 5;
            await("counted " + threshold + " before kill " + kill).atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> total(client.shares(current.get(), urls)) >= threshold);
            assertThat(kafkaFlow).as("events still flowing at kill %d", kill).isNotDone();
            current.get().kill();
            current.set(ServeProcess.create("crash-" + kill, broker.bootstrapServers(), data, APP).start().awaitReady());
        }

        kafkaFlow.get(3, TimeUnit.MINUTES);
        httpFlow.get(3, TimeUnit.MINUTES);
        await("no lag").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .until(() -> StreamsLag.of(broker.bootstrapServers(), APP) == 0);
        await("exact counts").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> ExpectedCounts.assertEqual(client.shares(current.get(), urls), expected));
        System.out.printf("CrashIT: %d events over Kafka and %d over HTTP (%d HTTP retries) counted exactly across 2 kills%n",
                viaKafka.shares().size(), viaHttp.shares().size(), httpRetries.get());
    }

    /** About 1,000 events a second, so that the kills land while events are still arriving. */
    private void produceSteadily(List<ShareDataSet.Share> shares) {
        try (Producer<byte[], byte[]> producer = KafkaClients.eventProducer(broker.bootstrapServers(), "it-crash-producer")) {
            for (int from = 0; from < shares.size(); from += 200) {
                shares.subList(from, Math.min(shares.size(), from + 200))
                        .forEach(share -> producer.send(new ProducerRecord<>(Topics.LINKS_CREATED, share.key(), share.value())));
                producer.flush();
                pause(200);
            }
        }
    }

    private void postUntilAccepted(List<ShareDataSet.Share> shares, AtomicInteger retries) {
        for (int from = 0; from < shares.size(); from += 100) {
            String ndjson = shares.subList(from, Math.min(shares.size(), from + 100)).stream()
                    .map(ShareDataSet.Share::json).collect(Collectors.joining("\n"));
            while (!accepted(ndjson)) {
                retries.incrementAndGet();
                pause(200);
            }
            pause(50);
        }
    }

    private boolean accepted(String ndjson) {
        try {
            return client.postEvents(current.get(), ndjson).status() == 202;
        } catch (Exception e) {
            return false;
        }
    }

    private static long total(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Pacing for the load generators, not synchronisation: nothing waits on it for a result. */
    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
