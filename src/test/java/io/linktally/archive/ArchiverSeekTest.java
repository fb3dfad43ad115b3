package io.linktally.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archiver's seeks, pinned with Kafka's {@link MockConsumer}: the rule that records fetched
 * before a seek are dropped, with the store's answer landing exactly between a poll and the
 * encoding of that poll's records, which a real broker cannot be made to do on demand; what it
 * does when its next offset is no longer in the log; and what a stop stores of what was read.
 */
class ArchiverSeekTest {
    private static final String TOPIC = "links.clicked";
    private static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);
    private static final long TIMESTAMP = 1_764_806_400_000L;
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path root;

    @Test
    void recordsFetchedBeforeASeekPastStoredObjectsAreNotArchivedAgain() throws Exception {
        FileObjectStore files = new FileObjectStore(root);
        ArchiveObject stored = object(0, 9);
        files.putIfAbsent(stored.key(), stored.body(), stored.metadata());
        HeldProbeStore store = new HeldProbeStore(files, stored.key());

        MockConsumer<byte[], byte[]> consumer = assignedWithOffsets0To4();
        // While these records are fetched, the probe for offset 0 is answered: objects up to 9
        // are stored, so the next step seeks to 10 before this poll's records are encoded.
        consumer.schedulePollTask(() -> {
            addRecords(consumer, 5, 9);
            await(store.probeAsked::get, "the archiver to probe for offset 0");
            store.answerProbe.countDown();
            await(() -> store.probeRead.get() && uploadThreadsIdle(), "the probe's answer to be handed back");
        });
        consumer.schedulePollTask(() -> addRecords(consumer, 10, 14));

        Archiver archiver = start(consumer, store, new SimpleMeterRegistry());
        try {
            await(() -> storedKeys(files).size() == 2, "the object of offsets 10..14");
        } finally {
            archiver.stop();
            assertThat(archiver.awaitStopped(DEADLINE)).isTrue();
        }

        assertThat(archiver.failure()).isEmpty();
        assertThat(storedKeys(files)).containsExactly(stored.key(), object(10, 14).key());
        assertThat(storedOffsets(files)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L);
    }

    @Test
    void recordsDeletedBeforeTheyWereReadAreCountedAndArchivingGoesOnFromTheOldestKept() throws Exception {
        FileObjectStore files = new FileObjectStore(root);
        MockConsumer<byte[], byte[]> consumer = assignedWithOffsets0To4();
        // Retention deletes offsets 5..11 before the archiver fetches them.
        consumer.schedulePollTask(() -> {
            consumer.updateBeginningOffsets(Map.of(PARTITION, 12L));
            consumer.updateEndOffsets(Map.of(PARTITION, 17L));
            consumer.setPollException(new OffsetOutOfRangeException("out of range", Map.of(PARTITION, 5L)));
        });
        consumer.schedulePollTask(() -> addRecords(consumer, 12, 16));

        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        Archiver archiver = start(consumer, files, metrics);
        try {
            await(() -> storedKeys(files).size() == 2, "the objects of offsets 0..4 and 12..16");
        } finally {
            archiver.stop();
            assertThat(archiver.awaitStopped(DEADLINE)).isTrue();
        }

        assertThat(archiver.failure()).isEmpty();
        assertThat(storedOffsets(files)).containsExactly(0L, 1L, 2L, 3L, 4L, 12L, 13L, 14L, 15L, 16L);
        assertThat(metrics.get("linktally.archive.deleted.offsets").counter().count()).isEqualTo(7.0);
    }

    @Test
    void aLogThatEndsBeforeTheGroupsPositionStopsTheArchiver() throws Exception {
        FileObjectStore files = new FileObjectStore(root);
        MockConsumer<byte[], byte[]> consumer = assignedWithOffsets0To4();
        // An unclean leader election truncated the log to 3 records.
        consumer.schedulePollTask(() -> {
            consumer.updateEndOffsets(Map.of(PARTITION, 3L));
            consumer.setPollException(new OffsetOutOfRangeException("out of range", Map.of(PARTITION, 5L)));
        });

        Archiver archiver = start(consumer, files, new SimpleMeterRegistry());
        assertThat(archiver.awaitStopped(DEADLINE)).as("the archiver stops by itself").isTrue();
        assertThat(archiver.failure()).get().extracting(Throwable::getMessage).asString()
                .startsWith("links.clicked-0 ends at offset 3, before offset 5 that this archiver's group reached")
                .endsWith("Archive this topic under another --archive prefix");
    }

    @Test
    void aStopBeforeTheStoreHasSaidWhereTheArchiveEndsStillStoresWhatWasRead() throws Exception {
        FileObjectStore files = new FileObjectStore(root);
        HeldProbeStore store = new HeldProbeStore(files, object(0, 4).key());
        CommitsKept consumer = assignedWithOffsets0To4(new CommitsKept());
        Archiver[] archiver = new Archiver[1];
        consumer.schedulePollTask(() -> archiver[0].stop());

        archiver[0] = start(consumer, store, new SimpleMeterRegistry());
        // Offsets 0..4 wait for the probe for offset 0 until the archiver is draining (sleeping
        // between passes) or has stopped without them.
        await(() -> store.probeAsked.get() && archiverThreadSleepingOrGone(), "the archiver to drain or stop");
        store.answerProbe.countDown();
        assertThat(archiver[0].awaitStopped(DEADLINE)).isTrue();

        assertThat(archiver[0].failure()).isEmpty();
        assertThat(storedOffsets(files)).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(consumer.committed).containsExactly(Map.entry(PARTITION, 5L));
    }

    @Test
    void recordsOfThePollItWasStoppedDuringAreStoredAndCommitted() throws Exception {
        FileObjectStore files = new FileObjectStore(root);
        // Without wakeups, the poll the stop lands in returns its records, as a real consumer's
        // does when the signal comes between one poll and the next.
        CommitsKept consumer = assignedWithOffsets0To4(new CommitsKept() {
            @Override
            public synchronized void wakeup() {
            }
        });
        Archiver[] archiver = new Archiver[1];
        Runnable[] stopOnceTheFirstObjectIsStored = new Runnable[1];
        stopOnceTheFirstObjectIsStored[0] = () -> {
            if (storedKeys(files).isEmpty()) {
                consumer.schedulePollTask(stopOnceTheFirstObjectIsStored[0]);
                return;
            }
            addRecords(consumer, 5, 7);
            archiver[0].stop();
        };
        consumer.schedulePollTask(stopOnceTheFirstObjectIsStored[0]);

        archiver[0] = start(consumer, files, new SimpleMeterRegistry());
        assertThat(archiver[0].awaitStopped(DEADLINE)).isTrue();

        assertThat(archiver[0].failure()).isEmpty();
        assertThat(storedKeys(files)).containsExactly(object(0, 4).key(), object(5, 7).key());
        assertThat(storedOffsets(files)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(consumer.committed).containsExactly(Map.entry(PARTITION, 8L));
    }

    /** A consumer whose first poll assigns the partition and returns offsets 0..4. */
    private static MockConsumer<byte[], byte[]> assignedWithOffsets0To4() {
        return assignedWithOffsets0To4(new MockConsumer<>("earliest"));
    }

    private static <C extends MockConsumer<byte[], byte[]>> C assignedWithOffsets0To4(C consumer) {
        consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(PARTITION));
            addRecords(consumer, 0, 4);
        });
        return consumer;
    }

    private static Archiver start(MockConsumer<byte[], byte[]> consumer, ObjectStore store, SimpleMeterRegistry metrics) {
        ArchiverSettings settings = new ArchiverSettings(List.of(TOPIC), "archive-test", 5, 1 << 20, Duration.ofHours(1), 8 << 20, 1, 1,
                Duration.ofSeconds(10), OptionalInt.empty());
        Archiver archiver = new Archiver(consumer, store, settings, metrics, Clock.systemUTC());
        new Thread(archiver, "archiver").start();
        return archiver;
    }

    private static List<Long> storedOffsets(ObjectStore store) throws IOException {
        List<Long> offsets = new ArrayList<>();
        for (String key : storedKeys(store)) {
            ArchiveReader.forEach(store, key, record -> offsets.add(record.offset()));
        }
        return offsets;
    }

    private static ConsumerRecord<byte[], byte[]> record(long offset) {
        return new ConsumerRecord<>(TOPIC, 0, offset, TIMESTAMP + offset, TimestampType.CREATE_TIME,
                -1, -1, ("k" + offset).getBytes(StandardCharsets.UTF_8), ("v" + offset).getBytes(StandardCharsets.UTF_8),
                new RecordHeaders(), Optional.empty());
    }

    private static void addRecords(MockConsumer<byte[], byte[]> consumer, long first, long last) {
        for (long offset = first; offset <= last; offset++) {
            consumer.addRecord(record(offset));
        }
    }

    private static ArchiveObject object(long first, long last) {
        ObjectBuffer buffer = new ObjectBuffer(record(first), 0, 1);
        for (long offset = first; offset <= last; offset++) {
            buffer.append(record(offset));
        }
        return buffer.close();
    }

    private static List<String> storedKeys(ObjectStore store) {
        List<String> keys = new ArrayList<>();
        try {
            store.list("", object -> keys.add(object.key()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return keys;
    }

    private static boolean archiverThreadSleepingOrGone() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals("archiver"))
                .allMatch(thread -> thread.getState() == Thread.State.TIMED_WAITING);
    }

    /** Every upload thread parked in its pool: a probe that has read its object has handed its answer back. */
    private static boolean uploadThreadsIdle() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("archive-upload-"))
                .allMatch(thread -> thread.getState() == Thread.State.WAITING);
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.onSpinWait();
        }
    }

    /** Kafka's MockConsumer, keeping the offsets committed: it cannot be asked for them once the archiver has closed it. */
    private static class CommitsKept extends MockConsumer<byte[], byte[]> {
        final Map<TopicPartition, Long> committed = new ConcurrentHashMap<>();

        CommitsKept() {
            super("earliest");
        }

        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
            super.commitSync(offsets);
            offsets.forEach((partition, offset) -> committed.put(partition, offset.offset()));
        }
    }

    /** A store whose first look for one key waits until the test lets it answer, and tells when the answer is read. */
    private static final class HeldProbeStore extends ForwardingObjectStore {
        private final String heldKey;
        final AtomicBoolean probeAsked = new AtomicBoolean();
        final CountDownLatch answerProbe = new CountDownLatch(1);
        final AtomicBoolean probeRead = new AtomicBoolean();

        HeldProbeStore(ObjectStore store, String heldKey) {
            super(store);
            this.heldKey = heldKey;
        }

        @Override
        public Optional<Map<String, String>> metadata(String key) throws IOException {
            if (key.equals(heldKey) && probeAsked.compareAndSet(false, true)) {
                try {
                    if (!answerProbe.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                        throw new IOException("the test never let the probe answer");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
            return store.metadata(key);
        }

        @Override
        public InputStream open(String key) throws IOException {
            InputStream in = store.open(key);
            if (!key.equals(heldKey)) {
                return in;
            }
            return new FilterInputStream(in) {
                @Override
                public void close() throws IOException {
                    super.close();
                    probeRead.set(true);
                }
            };
        }
    }
}
