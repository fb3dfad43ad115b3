package io.linktally.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linktally.archive.ArchivedRecord;
import io.linktally.archive.Archiver;
import io.linktally.archive.FileObjectStore;
import io.linktally.archive.ObjectStore;
import io.linktally.kafka.KafkaClients;
import io.linktally.replay.ReplayCheckpoint;
import io.linktally.replay.ReplayPosition;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The replay command against a real broker, reading an archive on S3Proxy and in a directory. */
@Timeout(300)
class ReplayIT {
    private static final String SOURCE = "replay-src";
    private static TestBroker broker;
    private static S3Server s3;
    private static Path work;
    private static Path fileArchive;
    private static Map<TopicPartition, TreeMap<Long, ArchivedRecord>> sent;

    @BeforeAll
    static void archiveAKnownSet() throws Exception {
        broker = TestBroker.startEmpty();
        work = Files.createTempDirectory(Path.of("target"), "it-replay-");
        s3 = S3Server.start(work.resolve("s3"));
        fileArchive = work.resolve("file-archive");
        ArchiveData.createTopic(broker.bootstrapServers(), SOURCE, 3);
        ArchiveData.produce(broker.bootstrapServers(), SOURCE, 0, 3_000);
        sent = ArchiveData.inKafka(broker.bootstrapServers(), SOURCE);
        List<Archiver> archivers = List.of(archive(s3.store("replay"), "replay-s3"), archive(new FileObjectStore(fileArchive), "replay-file"));
        await("archived twice").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .until(() -> ArchiveData.covers(s3.store("replay"), SOURCE, sent) && ArchiveData.covers(new FileObjectStore(fileArchive), SOURCE, sent));
        for (Archiver archiver : archivers) {
            archiver.stop();
            assertThat(archiver.awaitStopped(Duration.ofSeconds(60))).isTrue();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (s3 != null) {
            s3.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void backfillsANewTopicWithRecordsByteIdenticalToTheOriginals() throws Exception {
        ArchiveData.createTopic(broker.bootstrapServers(), "replay-backfill", 3);
        Set<String> groupsBefore = replayGroups();
        Run run = replay("replay-backfill", "--from", "s3://" + S3Server.BUCKET + "/replay", "--s3-endpoint", s3.endpoint().toString(),
                "--topics", SOURCE, "--to-topic", SOURCE + "=replay-backfill");

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("replayed 3000 records from ");
        assertThat(replayGroups()).as("the position group of a replay that cannot be resumed is deleted").isEqualTo(groupsBefore);
        // Same partitions, same order; offsets differ only by the transaction markers between them.
        Map<TopicPartition, TreeMap<Long, ArchivedRecord>> target = ArchiveData.inKafka(broker.bootstrapServers(), "replay-backfill");
        for (Map.Entry<TopicPartition, TreeMap<Long, ArchivedRecord>> partition : sent.entrySet()) {
            assertThat(content(target.get(new TopicPartition("replay-backfill", partition.getKey().partition()))))
                    .as("partition %d", partition.getKey().partition()).containsExactlyElementsOf(content(partition.getValue()));
        }
    }

    @Test
    void intoATopicWithOtherPartitionsRecordsArePartitionedByKey() throws Exception {
        ArchiveData.createTopic(broker.bootstrapServers(), "replay-rekeyed", 2);
        Run run = replay("replay-rekeyed", "--from", "file:" + fileArchive, "--topics", SOURCE, "--to-topic", SOURCE + "=replay-rekeyed");

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("partitioned by key (3 source, 2 target partitions)");
        Map<TopicPartition, TreeMap<Long, ArchivedRecord>> target = ArchiveData.inKafka(broker.bootstrapServers(), "replay-rekeyed");
        List<ArchivedRecord> all = new ArrayList<>();
        target.values().forEach(records -> all.addAll(records.values()));
        assertThat(all).hasSize(3_000);
        for (ArchivedRecord record : all) {
            if (record.key() != null) {
                assertThat(record.partition()).as("partition of key-%s", java.util.Arrays.toString(record.key()))
                        .isEqualTo(org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(record.key())) % 2);
            }
        }
        List<List<Object>> sentContent = sent.values().stream().flatMap(m -> m.values().stream()).map(ReplayIT::identity).sorted(BY_STRING).toList();
        assertThat(all.stream().map(ReplayIT::identity).sorted(BY_STRING).toList()).isEqualTo(sentContent);
    }

    private static final java.util.Comparator<List<Object>> BY_STRING = java.util.Comparator.comparing(Object::toString);

    /** What a record is, apart from where it sits. */
    private static List<Object> identity(ArchivedRecord r) {
        return List.of(r.timestamp(), java.util.Arrays.toString(r.key()), java.util.Arrays.toString(r.value()), r.headers().toString(),
                r.headers().stream().map(h -> java.util.Arrays.toString(h.value())).toList());
    }

    @Test
    void aReplayKilledHalfwayAndResumedLeavesEveryRecordInTheTargetOnce() throws Exception {
        ArchiveData.createTopic(broker.bootstrapServers(), "replay-resumed", 3);
        Path checkpoint = work.resolve("resume.checkpoint");
        List<String> args = List.of("--from", "file:" + fileArchive, "--topics", SOURCE, "--to-topic", SOURCE + "=replay-resumed",
                "--checkpoint", checkpoint.toString(), "--rate", "600", "--transaction-records", "100", "--bootstrap-servers", broker.bootstrapServers());
        try (CommandProcess first = CommandProcess.start("replay-resume-1", Map.of(), "replay", args)) {
            await("part of the replay committed").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> committed(checkpoint) >= 700);
            first.kill();
        }
        long beforeKill = committed(checkpoint);
        assertThat(beforeKill).as("killed halfway").isBetween(700L, 2_500L);

        try (CommandProcess second = CommandProcess.start("replay-resume-2", Map.of(), "replay", args)) {
            assertThat(second.awaitExit(Duration.ofSeconds(120))).as(second.logText()).isZero();
            assertThat(second.logText()).contains("Resuming replay");
        }
        System.out.printf("ReplayIT: killed after %d committed records, resumed to the end%n", beforeKill);
        Map<TopicPartition, TreeMap<Long, ArchivedRecord>> target = ArchiveData.inKafka(broker.bootstrapServers(), "replay-resumed");
        assertThat(ArchiveData.size(target)).isEqualTo(3_000);
        // Aborted records of the killed run take offsets, so compare each partition's records in order.
        for (Map.Entry<TopicPartition, TreeMap<Long, ArchivedRecord>> partition : sent.entrySet()) {
            assertThat(content(target.get(new TopicPartition("replay-resumed", partition.getKey().partition()))))
                    .as("partition %d", partition.getKey().partition()).containsExactlyElementsOf(content(partition.getValue()));
        }
    }

    @Test
    void aDryRunSaysWhatARangeHoldsAndPublishesNothing() throws Exception {
        Instant since = Instant.parse("2026-11-23T10:00:00Z");
        Instant until = Instant.parse("2026-11-23T11:30:00Z");
        long inRange = sent.values().stream().flatMap(m -> m.values().stream())
                .filter(r -> r.timestamp() >= since.toEpochMilli() && r.timestamp() < until.toEpochMilli()).count();
        Run run = replay("replay-dry", "--from", "file:" + fileArchive, "--topics", SOURCE, "--since", since.toString(), "--until", until.toString(),
                "--dry-run");

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(inRange).isBetween(1L, 2_999L);
        assertThat(run.output()).contains("would replay " + inRange + " records from ")
                .contains("time span: 2026-11-23T10:00:").contains(" .. 2026-11-23T11:29:");
        assertThat(ArchiveData.size(ArchiveData.inKafka(broker.bootstrapServers(), SOURCE))).as("nothing published").isEqualTo(3_000);
    }

    @Test
    void aCorruptObjectStopsTheReplayNamingItUnlessSkipped() throws Exception {
        Path damaged = work.resolve("damaged-archive");
        copy(fileArchive, damaged);
        List<String> keys = new ArrayList<>();
        new FileObjectStore(damaged).list(SOURCE + "/", object -> keys.add(object.key()));
        String victim = keys.get(keys.size() / 2);
        byte[] bytes = Files.readAllBytes(damaged.resolve(victim));
        Files.write(damaged.resolve(victim), java.util.Arrays.copyOf(bytes, bytes.length - 30));
        ArchiveData.createTopic(broker.bootstrapServers(), "replay-damaged", 3);

        Run stopped = replay("replay-corrupt", "--from", "file:" + damaged, "--topics", SOURCE, "--to-topic", SOURCE + "=replay-damaged");
        assertThat(stopped.exit()).isEqualTo(1);
        assertThat(stopped.output()).containsPattern("linktally replay: " + java.util.regex.Pattern.quote(victim)
                + " is corrupt after (its start|offset \\d+): .* \\(use --skip-corrupt to go on past it\\)");
        assertThat(ArchiveData.size(ArchiveData.inKafka(broker.bootstrapServers(), "replay-damaged"))).as("aborted, nothing visible").isZero();

        Run skipped = replay("replay-skip", "--from", "file:" + damaged, "--topics", SOURCE, "--to-topic", SOURCE + "=replay-damaged", "--skip-corrupt");
        assertThat(skipped.exit()).as(skipped.output()).isZero();
        assertThat(skipped.output()).contains("skipped the rest of 1 corrupt objects:").contains(victim + " is corrupt after");
        long replayed = ArchiveData.size(ArchiveData.inKafka(broker.bootstrapServers(), "replay-damaged"));
        assertThat(replayed).isLessThan(3_000).isGreaterThan(3_000 - 200);
    }

    private record Run(int exit, String output) {
    }

    private Run replay(String name, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap-servers", broker.bootstrapServers()));
        try (CommandProcess process = CommandProcess.start(name, s3.environment(), "replay", all)) {
            int exit = process.awaitExit(Duration.ofSeconds(120));
            return new Run(exit, process.logText());
        }
    }

    private static long committed(Path checkpoint) {
        try {
            return ReplayCheckpoint.load(checkpoint).map(c -> ReplayPosition.fromJson(c.position()).replayed()).orElse(0L);
        } catch (IOException e) {
            return 0;
        }
    }

    private static Set<String> replayGroups() throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            return admin.listGroups().all().get().stream().map(group -> group.groupId())
                    .filter(id -> id.startsWith("linktally-replay-")).collect(java.util.stream.Collectors.toSet());
        }
    }

    /** A partition's records without their topic and offsets: what a replay must reproduce, in order. */
    private static List<ArchivedRecord> content(TreeMap<Long, ArchivedRecord> records) {
        return records.values().stream()
                .map(r -> new ArchivedRecord("", r.partition(), 0, r.timestamp(), r.timestampType(), r.key(), r.value(), r.headers())).toList();
    }

    private static Archiver archive(ObjectStore store, String group) {
        return ArchiveData.startArchiver(broker.bootstrapServers(), store, SOURCE, group, 200, Duration.ofMillis(300), 8 << 20,
                new SimpleMeterRegistry());
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }
}
