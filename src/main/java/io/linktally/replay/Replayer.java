package io.linktally.replay;

import io.linktally.archive.ArchiveReader;
import io.linktally.archive.ArchivedRecord;
import io.linktally.archive.ObjectStore;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes archived records again, byte for byte, in offset order per partition.
 *
 * <p>Records go out in transactions. Each transaction also commits the replay's position (the last
 * offset replayed per source partition) as the metadata of a consumer-group offset, through
 * {@link Producer#sendOffsetsToTransaction}: the records and the position are committed together or
 * not at all. A replay restarted under the same transactional id fences the old one, aborts its
 * open transaction and reads the position back, so no record reaches the target twice.
 */
public final class Replayer {
    private static final Logger LOG = LoggerFactory.getLogger(Replayer.class);
    private static final int MAX_POSITION_BYTES = 4096;
    /** Reads of an object that keep failing, 1+2+4+8 back-off units apart, before the replay stops (resumable where it stopped). */
    private static final int READ_ATTEMPTS = 5;

    private final ObjectStore store;
    private final Producer<byte[], byte[]> producer;
    private final ReplaySettings settings;
    private final String group;
    private final TopicPartition anchor;
    private final Map<String, Boolean> keepPartitions;
    private final Consumer<ReplayPosition> onCommit;
    private final Duration readBackoff;

    private final AtomicLong records = new AtomicLong();
    private final AtomicLong filtered = new AtomicLong();
    private final AtomicLong bytesRead = new AtomicLong();
    private final AtomicLong objectsRead = new AtomicLong();
    private final List<String> corrupt = new ArrayList<>();

    private ReplayPosition position;
    private final Map<TopicPartition, Long> advanced = new HashMap<>();
    private long inTransaction;
    private boolean transactionOpen;
    private long transactionStarted;
    private long pacingStart;
    private long paced;

    /**
     * @param producer       a transactional producer, its transactions initialised
     * @param group          the consumer group that keeps this replay's position
     * @param keepPartitions per source topic, whether records keep their archived partition
     * @param onCommit       told each position once it is committed
     */
    public Replayer(ObjectStore store, Producer<byte[], byte[]> producer, ReplaySettings settings, String group,
                    Map<String, Boolean> keepPartitions, ReplayPosition start, Consumer<ReplayPosition> onCommit) {
        this(store, producer, settings, group, keepPartitions, start, onCommit, Duration.ofSeconds(1));
    }

    /** As above, waiting {@code readBackoff}, then twice as long each time, before reading an object again. */
    Replayer(ObjectStore store, Producer<byte[], byte[]> producer, ReplaySettings settings, String group,
             Map<String, Boolean> keepPartitions, ReplayPosition start, Consumer<ReplayPosition> onCommit, Duration readBackoff) {
        this.readBackoff = readBackoff;
        this.store = store;
        this.producer = producer;
        this.settings = settings;
        this.group = group;
        this.anchor = anchorOf(settings);
        this.keepPartitions = Map.copyOf(keepPartitions);
        this.position = start;
        this.onCommit = onCommit;
    }

    /** The partition whose committed offset carries the position: the first target topic's partition 0. */
    public static TopicPartition anchorOf(ReplaySettings settings) {
        return new TopicPartition(settings.target(settings.topics().get(0)), 0);
    }

    /** The position last committed by the replay keeping its position in {@code group}; the start if none. */
    public static ReplayPosition committedPosition(Admin admin, String group, TopicPartition anchor)
            throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group,
                new ListConsumerGroupOffsetsOptions().requireStable(true)).partitionsToOffsetAndMetadata().get();
        OffsetAndMetadata committed = offsets.get(anchor);
        return committed == null || committed.metadata() == null || committed.metadata().isEmpty()
                ? ReplayPosition.START
                : ReplayPosition.fromJson(committed.metadata());
    }

    /** Replays the plan from the position given; returns what it did. Throws on a corrupt object unless skipping. */
    public Summary run(ReplayPlan plan) throws IOException {
        requirePositionFits(plan);
        long started = System.nanoTime();
        pacingStart = started;
        try {
            for (List<ReplayPlan.PlannedObject> objects : plan.objects().values()) {
                for (int i = 0; i < objects.size(); i++) {
                    ReplayPlan.PlannedObject object = objects.get(i);
                    long done = position.lastOffset(object.source());
                    if (i + 1 < objects.size() && objects.get(i + 1).firstOffset() <= done + 1) {
                        bytesRead.addAndGet(object.size());
                        continue;
                    }
                    replay(object, done);
                }
            }
            commit();
        } catch (RuntimeException | IOException e) {
            abort();
            throw e;
        }
        return new Summary(records.get(), filtered.get(), objectsRead.get(), bytesRead.get(), List.copyOf(corrupt),
                (System.nanoTime() - started) / 1e9, position);
    }

    /**
     * Publishes an object's records after offset {@code done}. A read that fails part-way (the
     * store unreachable, a connection reset) is tried again, with back-off, from the record after
     * the last one published; so is one that looks corrupt, once and at once, because a connection
     * cut short can read as a truncated gzip stream. Only an object that reads corrupt twice is.
     */
    private void replay(ReplayPlan.PlannedObject object, long done) throws IOException {
        boolean readCorruptBefore = false;
        for (int attempt = 1; ; attempt++) {
            long published = Math.max(done, Math.max(position.lastOffset(object.source()), advanced.getOrDefault(object.source(), -1L)));
            try {
                publish(object, published);
                break;
            } catch (ArchiveReader.CorruptObjectException e) {
                if (!readCorruptBefore) {
                    readCorruptBefore = true;
                    LOG.warn("{}; reading it once more in case the connection, not the object, was cut", e.getMessage());
                    continue;
                }
                if (!settings.skipCorrupt()) {
                    throw e;
                }
                LOG.warn("Skipping the rest of {}", e.getMessage());
                corrupt.add(e.getMessage());
                break;
            } catch (IOException e) {
                if (attempt >= READ_ATTEMPTS) {
                    throw e;
                }
                Duration wait = readBackoff.multipliedBy(1L << (attempt - 1));
                LOG.warn("Reading {} failed ({}); reading it again in {} ms, from after offset {}", object.key(), e.getMessage(),
                        wait.toMillis(), published);
                sleep(wait);
            }
        }
        objectsRead.incrementAndGet();
        bytesRead.addAndGet(object.size());
    }

    private void publish(ReplayPlan.PlannedObject object, long done) throws IOException {
        boolean keep = keepPartitions.getOrDefault(object.source().topic(), false);
        String target = settings.target(object.source().topic());
        AtomicReference<Exception> failed = new AtomicReference<>();
        ArchiveReader.forEach(store, object.key(), record -> {
            if (record.offset() <= done) {
                return;
            }
            if (settings.inRange(record.timestamp())) {
                pace();
                openTransaction();
                producer.send(toProducerRecord(record, target, keep), (metadata, e) -> {
                    if (e != null) {
                        failed.compareAndSet(null, e);
                    }
                });
                records.incrementAndGet();
                inTransaction++;
            } else {
                filtered.incrementAndGet();
            }
            advanced.merge(object.source(), record.offset(), Math::max);
            if (inTransaction >= settings.transactionRecords()
                    || transactionOpen && System.nanoTime() - transactionStarted >= settings.transactionTime().toNanos()) {
                commit();
            }
        });
        if (failed.get() != null) {
            throw new IllegalStateException("publishing failed: " + failed.get().getMessage(), failed.get());
        }
    }

    private static void sleep(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * The position rides in offset metadata, which brokers cap (offset.metadata.max.bytes, 4096
     * by default): say so before publishing anything rather than fail at the first commit.
     */
    private void requirePositionFits(ReplayPlan plan) {
        Map<TopicPartition, Long> all = new HashMap<>();
        plan.objects().keySet().forEach(partition -> all.put(partition, Long.MAX_VALUE));
        int bytes = position.after(all, Long.MAX_VALUE).toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes > MAX_POSITION_BYTES) {
            throw new IllegalArgumentException("the position of a replay of " + all.size() + " partitions takes up to " + bytes
                    + " bytes, more than the " + MAX_POSITION_BYTES + " bytes of offset metadata brokers keep by default;"
                    + " replay fewer topics at a time (--topics)");
        }
    }

    private static ProducerRecord<byte[], byte[]> toProducerRecord(ArchivedRecord record, String target, boolean keep) {
        List<Header> headers = new ArrayList<>(record.headers().size());
        for (ArchivedRecord.Header header : record.headers()) {
            headers.add(new RecordHeader(header.key(), header.value()));
        }
        return new ProducerRecord<>(target, keep ? record.partition() : null, record.timestamp(), record.key(), record.value(), headers);
    }

    /** Transactions open with their first record, so that none is left open, empty, at the end. */
    private void openTransaction() {
        if (!transactionOpen) {
            producer.beginTransaction();
            transactionOpen = true;
            transactionStarted = System.nanoTime();
        }
    }

    private void commit() {
        if (advanced.isEmpty()) {
            return;
        }
        // Filtered records advance the position too: carry it in a transaction of its own.
        openTransaction();
        producer.flush();
        ReplayPosition next = position.after(advanced, inTransaction);
        producer.sendOffsetsToTransaction(Map.of(anchor, new OffsetAndMetadata(next.replayed(), next.toJson())),
                new ConsumerGroupMetadata(group));
        producer.commitTransaction();
        position = next;
        advanced.clear();
        inTransaction = 0;
        transactionOpen = false;
        onCommit.accept(position);
    }

    private void abort() {
        if (!transactionOpen) {
            return;
        }
        transactionOpen = false;
        try {
            producer.abortTransaction();
        } catch (RuntimeException e) {
            LOG.debug("Aborting the open transaction failed: {}", e.toString());
        }
    }

    /** Holds the publishing rate at --rate by waiting before a record that would run ahead of it. */
    private void pace() {
        if (settings.rate().isEmpty()) {
            return;
        }
        paced++;
        long now = System.nanoTime();
        long due = pacingStart + (long) (paced * 1e9 / settings.rate().getAsLong());
        if (now - due > 1_000_000_000L) {
            // More than a second behind (skipping, reading, committing): start counting again
            // rather than spend the credit in a burst above the rate.
            pacingStart = now;
            paced = 1;
            return;
        }
        long wait = due - now;
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    /** Records published so far in this run (committed or not). */
    public long records() {
        return records.get();
    }

    /** Compressed bytes of the objects read so far. */
    public long bytesRead() {
        return bytesRead.get();
    }

    /** What a replay did. */
    public record Summary(long records, long filtered, long objects, long bytes, List<String> corrupt, double seconds,
                         ReplayPosition position) {
    }
}
