package io.linktally.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linktally.archive.ArchivedRecord;
import io.linktally.archive.ObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The archive command halted again and again right after storing objects and before committing
 * their offsets, each time with other object boundaries: every offset still ends up in exactly one
 * object.
 */
@Timeout(400)
class ArchiveCrashIT {
    private static final String TOPIC = "archive-crash";

    /** Objects stored before each halt, and the record bound of that run. */
    private static final int[][] RUNS = {{2, 37}, {3, 50}, {1, 13}, {4, 101}};

    @Test
    void haltsBetweenUploadAndCommitLeaveEveryOffsetInExactlyOneObject() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), "it-archive-crash-");
        try (TestBroker broker = TestBroker.startEmpty(); S3Server s3 = S3Server.start(work.resolve("s3"))) {
            ArchiveData.createTopic(broker.bootstrapServers(), TOPIC, 3);
            ObjectStore store = s3.store("crash");
            int produced = 0;
            int skips = 0;
            for (int run = 0; run < RUNS.length; run++) {
                ArchiveData.produce(broker.bootstrapServers(), TOPIC, produced, 1_500, 50, run == 2 ? 23 : 0);
                produced += 1_500;
                try (CommandProcess archiver = CommandProcess.archive("archive-crash-" + run, s3.environment(),
                        args(broker, s3, RUNS[run][1], List.of("--halt-after-uploads", Integer.toString(RUNS[run][0]))))) {
                    assertThat(archiver.awaitExit(Duration.ofSeconds(90))).as("run %d halted after %d uploads", run, RUNS[run][0])
                            .isEqualTo(137);
                    skips += count(archiver.logText(), "are already archived; skipping them");
                }
            }
            Map<TopicPartition, TreeMap<Long, ArchivedRecord>> sent = ArchiveData.inKafka(broker.bootstrapServers(), TOPIC);
            assertThat(ArchiveData.size(sent)).isEqualTo(produced);
            try (CommandProcess archiver = CommandProcess.archive("archive-crash-final", s3.environment(), args(broker, s3, 64, List.of()))) {
                await("every record archived").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                        .until(() -> ArchiveData.covers(store, TOPIC, sent));
                assertThat(archiver.stop()).as("exit status on SIGTERM").isZero();
                skips += count(archiver.logText(), "are already archived; skipping them");
            }
            System.out.printf("ArchiveCrashIT: %d halts between upload and commit; stored objects found past the committed offset %d times%n",
                    RUNS.length, skips);
            assertThat(skips).as("objects stored but not committed, found again by a later run").isPositive();
            ArchiveData.assertExactlyOnce(store, TOPIC, sent);
        }
    }

    private static List<String> args(TestBroker broker, S3Server s3, int maxRecords, List<String> extra) {
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", broker.bootstrapServers(), "--archive", "s3://" + S3Server.BUCKET + "/crash",
                "--s3-endpoint", s3.endpoint().toString(), "--topics", TOPIC, "--archive-group-id", "crash",
                "--max-object-records", Integer.toString(maxRecords), "--max-object-age", "300ms", "--session-timeout", "6s"));
        args.addAll(extra);
        return args;
    }

    private static int count(String text, String phrase) {
        int n = 0;
        for (int i = text.indexOf(phrase); i >= 0; i = text.indexOf(phrase, i + 1)) {
            n++;
        }
        return n;
    }
}
