package io.linktally.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linktally.archive.ArchivedRecord;
import io.linktally.archive.FileObjectStore;
import io.linktally.events.Topics;
import io.linktally.kafka.KafkaClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The runbook "Rebuild after losing the cluster": counted and archived events, then the cluster
 * and every state directory gone; a replay into fresh topics and a fresh serve give exactly the
 * counts from before, and replaying again within the dedup retention changes none.
 */
@Timeout(400)
class RebuildIT {
    private static final String APP = "it-rebuild";
    private final CountsClient client = new CountsClient();

    @Test
    void aReplayIntoAFreshClusterRebuildsExactlyTheCountsAndAReplayWithinTheDedupRetentionChangesNone() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), "it-rebuild-");
        Path archive = work.resolve("archive");
        ShareDataSet shares = ShareDataSet.generate(11, "rb", 3_000, 150, 0.1);
        Map<String, Long> before;

        try (TestBroker lost = TestBroker.start();
             ServeProcess serve = ServeProcess.create("rebuild-before", lost.bootstrapServers(), work.resolve("serve-before"), APP,
                     "--archive", "file:" + archive, "--max-object-age", "500ms").start().awaitReady()) {
            try (Producer<byte[], byte[]> producer = KafkaClients.eventProducer(lost.bootstrapServers(), "it-rebuild")) {
                shares.shares().forEach(share -> producer.send(new ProducerRecord<>(Topics.LINKS_CREATED, share.key(), share.value())));
            }
            awaitExactCounts(lost, serve, shares.expected());
            Map<TopicPartition, TreeMap<Long, ArchivedRecord>> sent = ArchiveData.inKafka(lost.bootstrapServers(), Topics.LINKS_CREATED);
            await("every event archived").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> ArchiveData.covers(new FileObjectStore(archive), Topics.LINKS_CREATED, sent));
            before = client.shares(serve, shares.urls());
            assertThat(serve.stop()).isZero();
        }
        deleteRecursively(work.resolve("serve-before"));

        try (TestBroker fresh = TestBroker.start()) {
            Run rebuild = replay(fresh, archive, "rebuild-replay");
            assertThat(rebuild.exit()).as(rebuild.output()).isZero();
            assertThat(rebuild.output()).contains("replayed " + shares.shares().size() + " records");

            try (ServeProcess serve = ServeProcess.create("rebuild-after", fresh.bootstrapServers(), work.resolve("serve-after"), APP)
                    .start().awaitReady()) {
                awaitExactCounts(fresh, serve, before);

                Run again = replay(fresh, archive, "rebuild-replay-again");
                assertThat(again.exit()).as(again.output()).isZero();
                assertThat(ArchiveData.size(ArchiveData.inKafka(fresh.bootstrapServers(), Topics.LINKS_CREATED)))
                        .as("every event twice in links.created").isEqualTo(2 * shares.shares().size());
                awaitExactCounts(fresh, serve, before);
                System.out.printf("RebuildIT: %d events counted, archived, lost, replayed and counted again to %d exact URL counts; "
                        + "a second replay within the dedup retention changed none%n", shares.shares().size(), before.size());
            }
        }
    }

    private record Run(int exit, String output) {
    }

    private static Run replay(TestBroker broker, Path archive, String name) throws Exception {
        try (CommandProcess process = CommandProcess.start(name, Map.of(), "replay", List.of("--from", "file:" + archive,
                "--topics", Topics.LINKS_CREATED, "--bootstrap-servers", broker.bootstrapServers()))) {
            int exit = process.awaitExit(Duration.ofSeconds(120));
            return new Run(exit, process.logText());
        }
    }

    private void awaitExactCounts(TestBroker broker, ServeProcess serve, Map<String, Long> expected) {
        await("no lag for " + APP).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .until(() -> StreamsLag.of(broker.bootstrapServers(), APP) == 0);
        await("exact counts").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> ExpectedCounts.assertEqual(client.shares(serve, new ArrayList<>(expected.keySet())), expected));
    }

    private static void deleteRecursively(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
