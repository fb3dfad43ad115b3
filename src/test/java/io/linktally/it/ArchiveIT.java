package io.linktally.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linktally.archive.Archiver;
import io.linktally.archive.ArchivedRecord;
import io.linktally.archive.FileObjectStore;
import io.linktally.archive.ObjectStore;
import io.linktally.kafka.KafkaClients;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The archiver against a real broker and a real S3 API (S3Proxy), and against a directory. */
@Timeout(300)
class ArchiveIT {
    private static TestBroker broker;
    private static S3Server s3;
    private static Path work;
    private final List<Archiver> running = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.startEmpty();
        work = Files.createTempDirectory(Path.of("target"), "it-archive-");
        s3 = S3Server.start(work.resolve("s3"));
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

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"s3", "file"})
    void everyRecordComesBackByteForByteInTheLayoutOfTheContract(String kind) throws Exception {
        String topic = "archive-round-trip-" + kind;
        ArchiveData.createTopic(broker.bootstrapServers(), topic, 3);
        ArchiveData.produce(broker.bootstrapServers(), topic, 0, 3_000);
        ObjectStore store = kind.equals("s3") ? s3.store("round-trip") : new FileObjectStore(work.resolve("file-archive"));

        Archiver archiver = archiver(store, topic, "round-trip-" + kind, 97, Duration.ofMillis(300), new SimpleMeterRegistry());
        Map<TopicPartition, TreeMap<Long, ArchivedRecord>> sent = ArchiveData.inKafka(broker.bootstrapServers(), topic);
        assertThat(ArchiveData.size(sent)).isEqualTo(3_000);
        awaitArchived(store, topic, sent);
        // Records of one partition that arrive after a quiet spell still get stored, by age.
        ArchiveData.produce(broker.bootstrapServers(), topic, 3_000, 5);
        Map<TopicPartition, TreeMap<Long, ArchivedRecord>> all = ArchiveData.inKafka(broker.bootstrapServers(), topic);
        awaitArchived(store, topic, all);
        stop(archiver);

        ArchiveData.assertExactlyOnce(store, topic, all);
        List<ArchiveData.ArchivedObject> objects = ArchiveData.archived(store, topic);
        assertThat(objects).as("objects split by hour and by --max-object-records").hasSizeGreaterThan(3_005 / 97);
        assertThat(objects).allSatisfy(object -> assertThat(object.records()).hasSizeLessThanOrEqualTo(97));
        assertThat(objects).extracting(ArchiveData.ArchivedObject::key)
                .anyMatch(key -> key.startsWith(topic + "/dt=2026-11-23/hr=09/" + topic + "+"))
                .anyMatch(key -> key.startsWith(topic + "/dt=2026-11-23/hr=12/" + topic + "+"));
    }

    @Test
    void twoArchiversStoringTheSamePartitionsWithOtherBoundariesStoreEachOffsetOnce() throws Exception {
        String topic = "archive-race";
        ArchiveData.createTopic(broker.bootstrapServers(), topic, 3);
        ObjectStore store = s3.store("race");
        // Two groups, so both archivers own every partition: each object is contested, and the
        // conditional write decides who stores it.
        Archiver first = archiver(store, topic, "race-a", 50, Duration.ofMillis(200), new SimpleMeterRegistry());
        Archiver second = archiver(store, topic, "race-b", 73, Duration.ofMillis(350), new SimpleMeterRegistry());
        // Within one hour and in order, so that only the record counts draw the boundaries.
        for (int batch = 0; batch < 5; batch++) {
            ArchiveData.produce(broker.bootstrapServers(), topic, batch * 600, 600, 100, 0);
        }
        Map<TopicPartition, TreeMap<Long, ArchivedRecord>> sent = ArchiveData.inKafka(broker.bootstrapServers(), topic);
        awaitArchived(store, topic, sent);
        stop(first);
        stop(second);

        ArchiveData.assertExactlyOnce(store, topic, sent);
        // Which archiver wins each object depends on timing; the archive is exact either way.
        List<ArchiveData.ArchivedObject> objects = ArchiveData.archived(store, topic);
        System.out.printf("ArchiveIT: race: %d objects of 50 records, %d of 73, %d others%n",
                objects.stream().filter(o -> o.records().size() == 50).count(), objects.stream().filter(o -> o.records().size() == 73).count(),
                objects.stream().filter(o -> o.records().size() != 50 && o.records().size() != 73).count());
    }

    @Test
    void refusesToArchiveATopicCreatedAgainUnderAPrefixHoldingTheOldOnesObjects() throws Exception {
        String topic = "archive-reborn";
        ArchiveData.createTopic(broker.bootstrapServers(), topic, 3);
        ArchiveData.produce(broker.bootstrapServers(), topic, 0, 300, 100, 0);
        ObjectStore store = s3.store("reborn");
        Archiver first = archiver(store, topic, "reborn-1", 1_000, Duration.ofMillis(200), new SimpleMeterRegistry());
        awaitArchived(store, topic, ArchiveData.inKafka(broker.bootstrapServers(), topic));
        stop(first);
        List<String> before = new ArrayList<>();
        store.list(topic + "/", object -> before.add(object.key()));

        try (org.apache.kafka.clients.admin.Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            admin.deleteTopics(List.of(topic)).all().get();
            await("topic deleted").atMost(Duration.ofSeconds(30)).until(() -> !admin.listTopics().names().get().contains(topic));
        }
        await("topic created again").atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            ArchiveData.createTopic(broker.bootstrapServers(), topic, 3);
            return true;
        });
        // Other records at the same offsets and in the same hour: the first object's name comes again.
        ArchiveData.produce(broker.bootstrapServers(), topic, 5_000, 300, 100, 0);
        Archiver second = archiver(store, topic, "reborn-2", 1_000, Duration.ofMillis(200), new SimpleMeterRegistry());

        assertThat(second.awaitStopped(Duration.ofSeconds(60))).as("the archiver stops by itself").isTrue();
        assertThat(second.failure()).get().extracting(Throwable::getMessage).asString()
                .containsPattern("already holds offset 0 of archive-reborn-\\d, but a different record")
                .contains("under another --archive prefix");
        List<String> after = new ArrayList<>();
        store.list(topic + "/", object -> after.add(object.key()));
        assertThat(after).as("nothing written over or beside the old objects").isEqualTo(before);
    }

    @Test
    void reportsAndPassesOverRecordsDeletedFromKafkaBeforeTheyWereArchived() throws Exception {
        String topic = "archive-deleted";
        ArchiveData.createTopic(broker.bootstrapServers(), topic, 3);
        ArchiveData.produce(broker.bootstrapServers(), topic, 0, 300, 100, 0);
        ObjectStore store = new FileObjectStore(work.resolve("deleted-archive"));
        Archiver first = archiver(store, topic, "deleted", 1_000, Duration.ofMillis(200), new SimpleMeterRegistry());
        Map<TopicPartition, TreeMap<Long, ArchivedRecord>> archivedFirst = ArchiveData.inKafka(broker.bootstrapServers(), topic);
        awaitArchived(store, topic, archivedFirst);
        stop(first);

        // While no archiver runs, records arrive and the oldest of them are deleted, as retention would.
        ArchiveData.produce(broker.bootstrapServers(), topic, 300, 300, 100, 0);
        Map<TopicPartition, TreeMap<Long, ArchivedRecord>> kept = ArchiveData.inKafka(broker.bootstrapServers(), topic);
        Map<TopicPartition, RecordsToDelete> cut = new HashMap<>();
        long deleted = 0;
        for (Map.Entry<TopicPartition, TreeMap<Long, ArchivedRecord>> partition : kept.entrySet()) {
            if (partition.getValue().isEmpty()) {
                continue;
            }
            long firstNew = archivedFirst.get(partition.getKey()).isEmpty() ? 0 : archivedFirst.get(partition.getKey()).lastKey() + 1;
            long before = Math.min(firstNew + 40, partition.getValue().lastKey() + 1);
            cut.put(partition.getKey(), RecordsToDelete.beforeOffset(before));
            deleted += before - firstNew;
            partition.getValue().headMap(before).keySet().removeIf(offset -> offset >= firstNew);
        }
        assertThat(deleted).as("records deleted from partitions 0 and 1 at least").isGreaterThanOrEqualTo(80);
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            admin.deleteRecords(cut).all().get();
        }

        double deletedOffsets = deleted;
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        Archiver second = archiver(store, topic, "deleted", 1_000, Duration.ofMillis(200), metrics);
        awaitArchived(store, topic, kept);
        await("deleted offsets counted").atMost(Duration.ofSeconds(30))
                .until(() -> metrics.get("linktally.archive.deleted.offsets").counter().count() == deletedOffsets);
        stop(second);
        assertThat(second.failure()).isEmpty();
        ArchiveData.assertExactlyOnce(store, topic, kept);
    }

    @Test
    void aMissingBucketOrWrongCredentialsAreSaidAtOnce() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new io.linktally.archive.S3ObjectStore(s3.client(), "no-such-bucket", "x")
                .checkBucket()).hasMessage("the bucket no-such-bucket does not exist");
        try (software.amazon.awssdk.services.s3.S3Client wrong = software.amazon.awssdk.services.s3.S3Client.builder()
                .endpointOverride(s3.endpoint()).forcePathStyle(true).region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("nobody", "wrong"))).build()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new io.linktally.archive.S3ObjectStore(wrong, S3Server.BUCKET, "x")
                    .checkBucket()).hasMessageStartingWith("access to the bucket archive is denied: check the AWS credentials");
        }
    }

    @Test
    void theS3StoreWritesConditionallyAndListsEveryPage() throws Exception {
        ObjectStore store = s3.store("contract");
        assertThat(store.putIfAbsent("t/a", new byte[] {1}, Map.of("linktally-last-offset", "7"))).isTrue();
        assertThat(store.putIfAbsent("t/a", new byte[] {2}, Map.of())).as("second write to the same key").isFalse();
        assertThat(store.metadata("t/a")).contains(Map.of("linktally-last-offset", "7"));
        assertThat(store.metadata("t/b")).isEmpty();
        try (var in = store.open("t/a")) {
            assertThat(in.readAllBytes()).containsExactly(1);
        }
        for (int i = 0; i < 1_010; i++) {
            store.putIfAbsent(String.format("p/%04d", i), new byte[0], Map.of());
        }
        List<String> keys = new ArrayList<>();
        store.list("p/", object -> keys.add(object.key()));
        assertThat(keys).hasSize(1_010).isSorted().startsWith("p/0000").endsWith("p/1009");
        keys.clear();
        store.list("p/", "p/0004~", object -> keys.add(object.key()));
        assertThat(keys).hasSize(1_005).startsWith("p/0005").endsWith("p/1009");
    }

    @Test
    void waitsOutAnS3OutageWithoutBufferingWithoutBoundThenCatchesUp() throws Exception {
        String topic = "archive-outage";
        ArchiveData.createTopic(broker.bootstrapServers(), topic, 3);
        ObjectStore store = s3.store("outage");
        MeterRegistry metrics = new SimpleMeterRegistry();
        Archiver archiver = archiver(store, topic, "outage", 100, Duration.ofMillis(200), 32 << 10, metrics);
        ArchiveData.produce(broker.bootstrapServers(), topic, 0, 1_000);
        awaitArchived(store, topic, ArchiveData.inKafka(broker.bootstrapServers(), topic));

        s3.stopProxy();
        try {
            ArchiveData.produce(broker.bootstrapServers(), topic, 1_000, 20_000, 100, 0);
            await("uploads failing and every partition paused").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> metrics.get("linktally.archive.failures").counter().count() >= 3
                            && metrics.get("linktally.archive.paused.partitions").gauge().value() == 3);
            double objectsDuringOutage = metrics.get("linktally.archive.objects").counter().count();
            System.out.printf("ArchiveIT: S3 down: %.0f failed requests, %.0f bytes held, 3 partitions paused%n",
                    metrics.get("linktally.archive.failures").counter().count(),
                    metrics.get("linktally.archive.buffered").gauge().value());
            assertThat(metrics.get("linktally.archive.lag").gauge().value()).as("records left in Kafka while S3 is down").isPositive();
            assertThat(metrics.get("linktally.archive.objects").counter().count()).isEqualTo(objectsDuringOutage);
            await("the store failing for a second and more").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> metrics.get("linktally.archive.store.failing").gauge().value() >= 1);
        } finally {
            s3.startProxy();
        }
        Map<TopicPartition, TreeMap<Long, ArchivedRecord>> sent = ArchiveData.inKafka(broker.bootstrapServers(), topic);
        awaitArchived(store, topic, sent);
        assertThat(metrics.get("linktally.archive.store.failing").gauge().value()).as("once the store answers again").isZero();
        stop(archiver);

        ArchiveData.assertExactlyOnce(store, topic, sent);
    }

    private Archiver archiver(ObjectStore store, String topic, String group, int maxRecords, Duration maxAge, MeterRegistry metrics) {
        return archiver(store, topic, group, maxRecords, maxAge, 8 << 20, metrics);
    }

    private Archiver archiver(ObjectStore store, String topic, String group, int maxRecords, Duration maxAge, long bufferBytes,
                              MeterRegistry metrics) {
        Archiver archiver = ArchiveData.startArchiver(broker.bootstrapServers(), store, topic, group, maxRecords, maxAge, bufferBytes, metrics);
        running.add(archiver);
        return archiver;
    }

    private static void stop(Archiver archiver) throws InterruptedException {
        archiver.stop();
        assertThat(archiver.awaitStopped(Duration.ofSeconds(60))).as("archiver stopped").isTrue();
    }

    private static void awaitArchived(ObjectStore store, String topic, Map<TopicPartition, TreeMap<Long, ArchivedRecord>> sent) {
        await("every record of " + topic + " archived").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .until(() -> ArchiveData.covers(store, topic, sent));
    }

    @org.junit.jupiter.api.AfterEach
    void stopArchivers() throws InterruptedException {
        for (Archiver archiver : running) {
            archiver.stop();
            archiver.awaitStopped(Duration.ofSeconds(30));
        }
        running.clear();
    }
}
