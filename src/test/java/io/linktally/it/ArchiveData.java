package io.linktally.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.linktally.archive.ArchiveReader;
import io.linktally.archive.Archiver;
import io.linktally.archive.ArchiverSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.OptionalInt;
import io.linktally.archive.ArchivedRecord;
import io.linktally.archive.ObjectKeys;
import io.linktally.archive.ObjectStore;
import io.linktally.kafka.KafkaClients;
import io.linktally.kafka.TopicAdmin;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Records for archive tests, and the checks that an archive holds them: every offset in exactly
 * one object, byte for byte, in the layout of the contract.
 */
final class ArchiveData {
    /** The hour the synthetic records start in; they spread over three hours, some out of order. */
    static final long START_MS = Instant.parse("2026-11-23T09:40:00Z").toEpochMilli();

    /** S3Proxy's file system backend lists an upload in progress under its key plus a UUID; real S3 never does. */
    private static final java.util.regex.Pattern IN_PROGRESS = java.util.regex.Pattern.compile("\\.ndjson\\.gz-[0-9a-f-]{36}$");

    private ArchiveData() {
    }

    /**
     * Without time retention: the records carry timestamps of a fixed day, and once that day is a
     * week old the broker's default retention would delete them while a test reads them.
     */
    static void createTopic(String bootstrap, String topic, int partitions) throws ExecutionException, InterruptedException {
        try (Admin admin = KafkaClients.admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"))))
                    .all().get();
            new TopicAdmin(admin).awaitServing(List.of(topic), Duration.ofSeconds(60));
        }
    }

    /**
     * Publishes {@code count} records numbered from {@code first}: text, binary and null keys and
     * values, repeated and null headers, timestamps over three hours with stragglers.
     */
    static void produce(String bootstrap, String topic, int first, int count) throws Exception {
        produce(bootstrap, topic, first, count, 4_000L, 17);
    }

    /** As above, with timestamps {@code stepMs} apart and every {@code stragglerEvery}th an hour late (0: none). */
    static void produce(String bootstrap, String topic, int first, int count, long stepMs, int stragglerEvery) throws Exception {
        Random random = new Random(first);
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        try (Producer<byte[], byte[]> producer = KafkaClients.eventProducer(bootstrap, "archive-it-producer")) {
            for (int i = first; i < first + count; i++) {
                long timestamp = START_MS + i * stepMs + (stragglerEvery > 0 && i % stragglerEvery == 0 ? -3_600_000L : 0);
                byte[] key = switch (i % 4) {
                    case 0 -> null;
                    case 1 -> ("u-" + i).getBytes(StandardCharsets.UTF_8);
                    default -> randomBytes(random, 1 + i % 9);
                };
                byte[] value = switch (i % 5) {
                    case 0 -> null;
                    case 1 -> randomBytes(random, i % 300);
                    default -> ("{\"url\":\"https://example.com/\u00e9t\u00e9/" + i + "\",\"update_id\":\"" + i + "\"}")
                            .getBytes(StandardCharsets.UTF_8);
                };
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, i % 3 == 2 ? null : i % 3, timestamp, key, value);
                if (i % 3 == 0) {
                    record.headers().add(new RecordHeader("trace", randomBytes(random, 8)));
                    record.headers().add(new RecordHeader("trace", null));
                    record.headers().add(new RecordHeader("source", "it".getBytes(StandardCharsets.UTF_8)));
                }
                sends.add(producer.send(record));
            }
            producer.flush();
        }
        for (Future<RecordMetadata> send : sends) {
            send.get();
        }
    }

    /** Every record of the topic as Kafka holds it, by partition and offset. */
    static Map<TopicPartition, TreeMap<Long, ArchivedRecord>> inKafka(String bootstrap, String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        Map<TopicPartition, TreeMap<Long, ArchivedRecord>> records = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            partitions.forEach(p -> records.put(p, new TreeMap<>()));
            long deadline = System.currentTimeMillis() + 60_000;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    records.get(new TopicPartition(r.topic(), r.partition())).put(r.offset(), new ArchivedRecord(r.topic(), r.partition(),
                            r.offset(), r.timestamp(), r.timestampType(), r.key(), r.value(),
                            Arrays.stream(r.headers().toArray()).map(h -> new ArchivedRecord.Header(h.key(), h.value())).toList()));
                }
            }
        }
        return records;
    }

    static int size(Map<TopicPartition, TreeMap<Long, ArchivedRecord>> records) {
        return records.values().stream().mapToInt(Map::size).sum();
    }

    /** The archive's objects for the topic, read whole, each checked against the layout of the contract. */
    static List<ArchivedObject> archived(ObjectStore store, String topic) throws IOException {
        List<String> keys = new ArrayList<>();
        store.list(topic + "/", object -> keys.add(object.key()));
        List<ArchivedObject> objects = new ArrayList<>();
        for (String key : keys) {
            if (IN_PROGRESS.matcher(key).find()) {
                continue;
            }
            ObjectKeys.Parsed name = ObjectKeys.parse(key).orElseThrow(() -> new AssertionError("not an archive object name: " + key));
            List<ArchivedRecord> records = new ArrayList<>();
            ArchiveReader.forEach(store, key, records::add);
            assertThat(records).as(key).isNotEmpty();
            assertThat(name.topic()).as(key).isEqualTo(topic);
            assertThat(records.get(0).offset()).as("first offset of %s", key).isEqualTo(name.firstOffset());
            for (int i = 0; i < records.size(); i++) {
                ArchivedRecord r = records.get(i);
                assertThat(r.partition()).as("partition of %s in %s", r, key).isEqualTo(name.partition());
                assertThat(ObjectKeys.hourOf(r.timestamp())).as("hour of %s in %s", r, key).isEqualTo(name.hour());
                if (i > 0) {
                    assertThat(r.offset()).as("offsets rise in %s", key).isGreaterThan(records.get(i - 1).offset());
                }
            }
            objects.add(new ArchivedObject(key, name.partition(), records));
        }
        return objects;
    }

    /** How many times each offset is archived, by partition; exactly once everywhere is the goal. */
    static Map<TopicPartition, TreeMap<Long, List<ArchivedRecord>>> byOffset(String topic, List<ArchivedObject> objects) {
        Map<TopicPartition, TreeMap<Long, List<ArchivedRecord>>> found = new HashMap<>();
        for (ArchivedObject object : objects) {
            for (ArchivedRecord record : object.records()) {
                found.computeIfAbsent(new TopicPartition(topic, object.partition()), p -> new TreeMap<>())
                        .computeIfAbsent(record.offset(), o -> new ArrayList<>()).add(record);
            }
        }
        return found;
    }

    /** Whether every record in Kafka is in the archive (possibly more than once: {@link #assertExactlyOnce} tells). */
    static boolean covers(ObjectStore store, String topic, Map<TopicPartition, TreeMap<Long, ArchivedRecord>> expected) {
        try {
            Map<TopicPartition, TreeMap<Long, List<ArchivedRecord>>> found = byOffset(topic, archived(store, topic));
            return expected.entrySet().stream().allMatch(e -> found.getOrDefault(e.getKey(), new TreeMap<>()).keySet()
                    .containsAll(e.getValue().keySet()));
        } catch (IOException e) {
            return false;
        }
    }

    /** Every record of Kafka in exactly one object, equal byte for byte; nothing else in the archive. */
    static void assertExactlyOnce(ObjectStore store, String topic, Map<TopicPartition, TreeMap<Long, ArchivedRecord>> expected)
            throws IOException {
        List<ArchivedObject> objects = archived(store, topic);
        Map<TopicPartition, TreeMap<Long, List<ArchivedRecord>>> found = byOffset(topic, objects);
        int doubled = 0;
        int missing = 0;
        for (Map.Entry<TopicPartition, TreeMap<Long, ArchivedRecord>> partition : expected.entrySet()) {
            TreeMap<Long, List<ArchivedRecord>> archived = found.getOrDefault(partition.getKey(), new TreeMap<>());
            for (Map.Entry<Long, ArchivedRecord> record : partition.getValue().entrySet()) {
                List<ArchivedRecord> copies = archived.getOrDefault(record.getKey(), List.of());
                if (copies.isEmpty()) {
                    missing++;
                } else {
                    doubled += copies.size() - 1;
                    assertThat(copies.get(0)).as("archived %s", record.getValue()).isEqualTo(record.getValue());
                }
            }
            assertThat(archived.keySet()).as("archived offsets of %s", partition.getKey()).isSubsetOf(partition.getValue().keySet());
        }
        System.out.printf("ArchiveIT: %s: %d records in Kafka, %d objects, %d missing, %d doubled%n",
                topic, size(expected), objects.size(), missing, doubled);
        assertThat(missing).as("records missing from the archive").isZero();
        assertThat(doubled).as("records archived more than once").isZero();
    }

    /** An archiver of {@code topic} on a thread of its own, as the archive command runs it; stop it with {@link Archiver#stop()}. */
    static Archiver startArchiver(String bootstrap, ObjectStore store, String topic, String group, int maxRecords, Duration maxAge,
                                  long bufferBytes, MeterRegistry metrics) {
        ArchiverSettings settings = new ArchiverSettings(List.of(topic), group, maxRecords, 64 << 10, maxAge, bufferBytes, 3, 1,
                Duration.ofSeconds(10), OptionalInt.empty());
        Archiver archiver = new Archiver(KafkaClients.archiveConsumer(bootstrap, group, group, Duration.ofSeconds(10)), store, settings,
                metrics, Clock.systemUTC());
        Thread thread = new Thread(archiver, "archiver-" + group);
        thread.setDaemon(true);
        thread.start();
        return archiver;
    }

    static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    record ArchivedObject(String key, int partition, List<ArchivedRecord> records) {
    }
}
