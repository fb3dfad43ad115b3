package io.linktally.archive;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.NoOffsetForPartitionException;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies every record of the archived topics into exactly one archive object.
 *
 * <p>Each partition is written as a chain of objects, each starting at the offset after the one
 * before it, one upload at a time per partition. A partition's offset is committed only after the
 * object holding its records is stored. An archiver that takes over a partition (after a crash, a
 * rebalance or a stop) cannot know how far the last one got beyond the committed offset, so before
 * writing it walks the chain: an object's name follows from its first record, so it asks whether
 * the object that would start at the next record exists and, if so, skips to that object's end.
 * Writes are conditional, so two archivers that both believe they own a partition store each
 * object once and the loser adopts the winner's boundaries.
 *
 * <p>The consumer and every partition's state are used from one thread, {@link #run()}, except
 * while a poll's records are encoded, each partition by one encoder thread, during the next poll
 * (whose rebalance callbacks first wait for the encoding to end); the object store is talked to
 * by {@link ObjectUploader}'s threads, whose answers come back through a queue.
 */
public final class Archiver implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Archiver.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    private static final Duration REVOKE_WAIT = Duration.ofSeconds(10);

    private final Consumer<byte[], byte[]> consumer;
    private final ObjectStore store;
    private final ArchiverSettings settings;
    private final Clock clock;
    private final ArchiveMetrics metrics;
    private final ObjectUploader uploader;
    private final ExecutorService encoders;
    private final Map<TopicPartition, PartitionChain> chains = new HashMap<>();
    private final ConcurrentLinkedQueue<Runnable> answers = new ConcurrentLinkedQueue<>();
    private final Map<TopicPartition, OffsetAndMetadata> toCommit = new HashMap<>();
    private final Set<TopicPartition> paused = new HashSet<>();
    private final List<Future<?>> encoding = new ArrayList<>();
    private final Set<TopicPartition> repositioned = new HashSet<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile RuntimeException failure;

    public Archiver(Consumer<byte[], byte[]> consumer, ObjectStore store, ArchiverSettings settings, MeterRegistry registry, Clock clock) {
        this.consumer = consumer;
        this.store = store;
        this.settings = settings;
        this.clock = clock;
        this.metrics = new ArchiveMetrics(registry);
        this.uploader = new ObjectUploader(store, settings.uploadThreads(), MAX_BACKOFF, settings.haltAfterUploads(), metrics);
        AtomicInteger encoder = new AtomicInteger();
        this.encoders = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(), task -> {
            Thread thread = new Thread(task, "archive-encode-" + encoder.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public void run() {
        try {
            LOG.info("Archiving {} to {} as consumer group {}", settings.topics(), store.describe(), settings.groupId());
            consumer.subscribe(settings.topics(), new Rebalances());
            ConsumerRecords<byte[], byte[]> fetched = ConsumerRecords.empty();
            while (true) {
                finishEncoding();
                step();
                startEncoding(fetched);
                // Only once the last poll's records are with the encoders: a stop stores them too,
                // and the next archiver has nothing fetched here to read again.
                if (stopping.get()) {
                    break;
                }
                try {
                    fetched = consumer.poll(POLL);
                } catch (WakeupException e) {
                    fetched = ConsumerRecords.empty();
                } catch (NoOffsetForPartitionException e) {
                    // The group's first read of these partitions: from the oldest record Kafka keeps.
                    consumer.seekToBeginning(e.partitions());
                    fetched = ConsumerRecords.empty();
                } catch (OffsetOutOfRangeException e) {
                    skipDeleted(e.offsetOutOfRangePartitions());
                    fetched = ConsumerRecords.empty();
                }
            }
            finishEncoding();
            drain();
        } catch (RuntimeException e) {
            LOG.error("Archiver failed", e);
            failure = e;
            throw e;
        } finally {
            try {
                // The consumer first: its last revocation may still wait on uploads in flight.
                consumer.close();
                encoders.shutdownNow();
                uploader.close();
            } catch (RuntimeException e) {
                LOG.warn("Closing the archiver's consumer failed: {}", e.toString());
            } finally {
                stopped.countDown();
            }
        }
    }

    /**
     * Starts writing a poll's records into their partitions' objects while the next poll fetches
     * and decompresses: JSON and gzip are most of the archiver's work, partitions share no state,
     * and the consumer does its share on the polling thread, so the two overlap. Partitions that
     * {@link #step()} has just moved to another offset are left out: those records were fetched
     * before the seek, and the consumer returns them again from the new position.
     */
    private void startEncoding(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition partition : records.partitions()) {
            if (repositioned.contains(partition)) {
                continue;
            }
            PartitionChain chain = chains.get(partition);
            List<ConsumerRecord<byte[], byte[]>> batch = records.records(partition);
            encoding.add(encoders.submit(() -> batch.forEach(chain::accept)));
        }
        repositioned.clear();
    }

    /** Waits for the records being encoded: every partition's state belongs to this thread again. */
    private void finishEncoding() {
        try {
            for (Future<?> task : encoding) {
                task.get();
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while encoding", e);
        } finally {
            encoding.clear();
        }
    }

    /**
     * The next offset to archive is gone from Kafka. Below the log's start, retention (or a
     * deletion) outran the archiver: those records can never be archived, so they are reported,
     * counted and passed over, and archiving goes on from the oldest record kept. Past the log's
     * end, the log is not the one archived so far (truncated by an unclean leader election, or the
     * topic created again): going on would put other records under offsets already archived.
     */
    private void skipDeleted(Map<TopicPartition, Long> positions) {
        Map<TopicPartition, Long> starts = consumer.beginningOffsets(positions.keySet());
        Map<TopicPartition, Long> ends = consumer.endOffsets(positions.keySet());
        positions.forEach((partition, position) -> {
            long start = starts.get(partition);
            long end = ends.get(partition);
            if (position > end) {
                throw new IllegalStateException(partition + " ends at offset " + end + ", before offset " + position
                        + " that this archiver's group reached: the log was truncated or the topic created again, and the archive holds"
                        + " records Kafka no longer has. Archive this topic under another --archive prefix");
            }
            if (position >= start) {
                // In range again by the time it was asked (a leader change): fetch it once more.
                consumer.seek(partition, position);
                return;
            }
            LOG.error("{}: offsets {}..{} were deleted from Kafka before this archiver read them; those an earlier archiver had not"
                    + " already stored are missing from the archive. Archiving on from offset {}", partition, position, start - 1, start);
            metrics.deletedOffsets.increment(start - position);
            consumer.seek(partition, start);
        });
    }

    /** Asks {@link #run()} to store what it holds, commit, leave the group and return. */
    public void stop() {
        stopping.set(true);
        consumer.wakeup();
    }

    /** Why {@link #run()} ended on its own, if it did. */
    public Optional<RuntimeException> failure() {
        return Optional.ofNullable(failure);
    }

    /** Waits for {@link #run()} to return after {@link #stop()}. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Everything between two polls: answers from the store, closing objects, uploads, pauses, commits. */
    private void step() {
        Runnable answer;
        while ((answer = answers.poll()) != null) {
            answer.run();
        }
        long now = clock.millis();
        for (PartitionChain chain : chains.values()) {
            if (chain.open != null && now - chain.open.openedAtMs() >= settings.maxObjectAge().toMillis()) {
                chain.closeOpen();
            }
        }
        boolean overBudget = enforceBudget();
        for (PartitionChain chain : chains.values()) {
            chain.uploadNext();
        }
        updatePauses(overBudget);
        commit();
        long lag = 0;
        for (TopicPartition partition : chains.keySet()) {
            lag += consumer.currentLag(partition).orElse(0);
        }
        metrics.lag.set(lag);
    }

    /**
     * Keeps the compressed bytes held under the budget: past it, the largest open objects are
     * closed early so that storing them frees memory, and every partition waits.
     */
    private boolean enforceBudget() {
        long held = 0;
        for (PartitionChain chain : chains.values()) {
            held += chain.heldBytes();
        }
        metrics.buffered.set(held);
        if (held <= settings.maxBufferBytes()) {
            return false;
        }
        List<PartitionChain> largest = new ArrayList<>(chains.values());
        largest.removeIf(chain -> chain.open == null);
        largest.sort(Comparator.comparingLong((PartitionChain chain) -> chain.open.heldBytes()).reversed());
        long open = largest.stream().mapToLong(chain -> chain.open.heldBytes()).sum();
        for (PartitionChain chain : largest) {
            if (open <= settings.maxBufferBytes() / 2) {
                break;
            }
            open -= chain.open.heldBytes();
            chain.closeOpen();
        }
        return true;
    }

    private void updatePauses(boolean overBudget) {
        Set<TopicPartition> wanted = new HashSet<>();
        for (PartitionChain chain : chains.values()) {
            if (overBudget || chain.mustWait()) {
                wanted.add(chain.partition);
            }
        }
        Set<TopicPartition> resume = new HashSet<>(paused);
        resume.removeAll(wanted);
        wanted.removeAll(paused);
        if (!wanted.isEmpty()) {
            consumer.pause(wanted);
            paused.addAll(wanted);
        }
        if (!resume.isEmpty()) {
            consumer.resume(resume);
            paused.removeAll(resume);
        }
        metrics.paused.set(paused.size());
    }

    private void commit() {
        toCommit.keySet().retainAll(chains.keySet());
        if (toCommit.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(toCommit);
            LOG.trace("Committed {}", toCommit);
            toCommit.clear();
        } catch (WakeupException e) {
            // stop() was called: the commit is tried again while draining.
        } catch (KafkaException e) {
            // A rebalance took the partitions, or the group is busy: whoever holds them next finds
            // the stored objects by walking the chain, so nothing is lost by not committing here.
            LOG.warn("Committing archived offsets failed, will retry: {}", e.toString());
        }
    }

    private void markStored(TopicPartition partition, long nextOffset) {
        OffsetAndMetadata previous = toCommit.get(partition);
        if (previous == null || previous.offset() < nextOffset) {
            toCommit.put(partition, new OffsetAndMetadata(nextOffset));
        }
    }

    /** On stop: close every open object, store everything held and commit, up to the drain timeout. */
    private void drain() {
        long deadline = clock.millis() + settings.drainTimeout().toMillis();
        while (clock.millis() < deadline && chains.values().stream().anyMatch(PartitionChain::holdsRecords)) {
            // Every pass: an answer to a probe can still open an object while draining.
            chains.values().forEach(PartitionChain::closeOpen);
            step();
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        step();
        long unsaved = chains.values().stream().filter(PartitionChain::holdsRecords).count();
        if (unsaved > 0) {
            LOG.warn("Stopping with objects of {} partitions not stored after {}; their records are read again on the next start",
                    unsaved, settings.drainTimeout());
        }
        chains.values().forEach(PartitionChain::abandon);
    }

    /** One partition's chain of objects: what is held, what is being stored, what is known stored. */
    private final class PartitionChain {
        private final TopicPartition partition;
        private final AtomicBoolean abandoned = new AtomicBoolean();
        /** Until a probe finds no stored object at the next record, the chain's end is not known. */
        private boolean findingEnd = true;
        private final ArrayDeque<ConsumerRecord<byte[], byte[]>> held = new ArrayDeque<>();
        private long heldRecordBytes;
        private boolean probing;
        private ObjectBuffer open;
        private final ArrayDeque<ArchiveObject> closed = new ArrayDeque<>();
        private ArchiveObject storing;
        private Future<?> storingTask;

        PartitionChain(TopicPartition partition) {
            this.partition = partition;
        }

        void accept(ConsumerRecord<byte[], byte[]> record) {
            if (findingEnd) {
                held.add(record);
                heldRecordBytes += record.serializedKeySize() + record.serializedValueSize() + 64;
                if (!probing) {
                    probe();
                }
                return;
            }
            append(record);
        }

        private void append(ConsumerRecord<byte[], byte[]> record) {
            if (open != null && !open.accepts(record)) {
                closeOpen();
            }
            if (open == null) {
                open = new ObjectBuffer(record, clock.millis(), settings.compressionLevel());
            }
            open.append(record);
            if (open.records() >= settings.maxObjectRecords() || open.uncompressedBytes() >= settings.maxObjectBytes()) {
                closeOpen();
            }
        }

        private void probe() {
            ConsumerRecord<byte[], byte[]> next = held.peek();
            String key = ObjectKeys.key(partition.topic(), partition.partition(), next.offset(), ObjectKeys.hourOf(next.timestamp()));
            probing = true;
            uploader.probe(key, abandoned, found -> answers.add(() -> probed(next, key, found)));
        }

        private void probed(ConsumerRecord<byte[], byte[]> probed, String key, Optional<ObjectUploader.Outcome.AlreadyThere> found) {
            if (chains.get(partition) != this) {
                return;
            }
            probing = false;
            long probedOffset = probed.offset();
            if (found.isPresent()) {
                requireSameRecord(key, found.get().first(), probed);
            }
            long lastOffset = found.map(ObjectUploader.Outcome.AlreadyThere::lastOffset).orElse(-1L);
            if (lastOffset < 0) {
                LOG.info("{}: archive ends before offset {}; archiving from there", partition, probedOffset);
                findingEnd = false;
                heldRecordBytes = 0;
                while (!held.isEmpty()) {
                    append(held.poll());
                }
                return;
            }
            LOG.info("{}: offsets {}..{} are already archived; skipping them", partition, probedOffset, lastOffset);
            markStored(partition, lastOffset + 1);
            while (!held.isEmpty() && held.peek().offset() <= lastOffset) {
                ConsumerRecord<byte[], byte[]> skipped = held.poll();
                heldRecordBytes -= skipped.serializedKeySize() + skipped.serializedValueSize() + 64;
            }
            if (held.isEmpty()) {
                heldRecordBytes = 0;
                seek(lastOffset + 1);
            } else {
                probe();
            }
        }

        private void seek(long offset) {
            consumer.seek(partition, offset);
            repositioned.add(partition);
        }

        void closeOpen() {
            if (open != null) {
                closed.add(open.close());
                open = null;
            }
        }

        void uploadNext() {
            if (storing != null || closed.isEmpty()) {
                return;
            }
            ArchiveObject object = closed.poll();
            storing = object;
            storingTask = uploader.store(object, abandoned, outcome -> answers.add(() -> uploaded(object, outcome)));
        }

        private void uploaded(ArchiveObject object, ObjectUploader.Outcome outcome) {
            if (chains.get(partition) != this || storing != object) {
                return;
            }
            storing = null;
            storingTask = null;
            if (outcome instanceof ObjectUploader.Outcome.Stored) {
                markStored(partition, object.lastOffset() + 1);
            } else if (outcome instanceof ObjectUploader.Outcome.AlreadyThere there) {
                requireSameRecord(object.key(), there.first(), object.first());
                if (there.lastOffset() == object.lastOffset()) {
                    markStored(partition, object.lastOffset() + 1);
                    return;
                }
                // Another archiver stored an object here with other boundaries: adopt its end and
                // read on from there, dropping everything held beyond it.
                LOG.warn("{}: {} was already stored by another archiver up to offset {}; continuing after it",
                        partition, object.key(), there.lastOffset());
                markStored(partition, there.lastOffset() + 1);
                open = null;
                closed.clear();
                held.clear();
                heldRecordBytes = 0;
                findingEnd = true;
                seek(there.lastOffset() + 1);
            }
        }

        /**
         * An object found under a name must start with the very record this archiver read at that
         * offset. If it does not, the topic was deleted and created again (its offsets start over)
         * and the archive holds the old one's objects: going on would skip records as stored.
         */
        private void requireSameRecord(String key, ArchivedRecord stored, ConsumerRecord<byte[], byte[]> read) {
            List<ArchivedRecord.Header> headers = new ArrayList<>();
            read.headers().forEach(h -> headers.add(new ArchivedRecord.Header(h.key(), h.value())));
            ArchivedRecord expected = new ArchivedRecord(read.topic(), read.partition(), read.offset(), read.timestamp(), read.timestampType(),
                    read.key(), read.value(), headers);
            if (!expected.equals(stored)) {
                throw new IllegalStateException(key + " already holds offset " + read.offset() + " of " + partition
                        + ", but a different record: the archive holds objects of an earlier topic of that name (deleted and created"
                        + " again?). Archive this one under another --archive prefix");
            }
        }

        /** Fetching waits while the end of the chain is being looked for, or an object is queued behind an upload. */
        boolean mustWait() {
            return probing || (storing != null && !closed.isEmpty());
        }

        /** Records read and not yet stored: held while the chain's end is looked for, open, closed or being stored. */
        boolean holdsRecords() {
            return storing != null || !closed.isEmpty() || open != null || !held.isEmpty();
        }

        long heldBytes() {
            long bytes = heldRecordBytes + (open == null ? 0 : open.heldBytes()) + (storing == null ? 0 : storing.body().length);
            for (ArchiveObject object : closed) {
                bytes += object.body().length;
            }
            return bytes;
        }

        /** This archiver no longer owns the partition: any store request still retrying gives up. */
        void abandon() {
            abandoned.set(true);
        }

        /** Waits a little for the object being stored, so that its offsets can be committed before the partition goes. */
        void finishStoring(Duration wait) {
            Future<?> task = storingTask;
            if (task == null) {
                return;
            }
            try {
                task.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                LOG.info("{}: {} not stored before the partition was revoked; its next owner will find it or write it",
                        partition, storing.key());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private final class Rebalances implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            finishEncoding();
            for (TopicPartition partition : partitions) {
                chains.put(partition, new PartitionChain(partition));
            }
            LOG.info("Archiving partitions {}", partitions);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            finishEncoding();
            if (failure != null) {
                // Failing: nothing held is trusted enough to commit; the next owner starts over.
                forget(partitions);
                return;
            }
            // One deadline for all of them, well inside max.poll.interval.ms; none once stopping,
            // where draining has already waited.
            long deadline = clock.millis() + (stopping.get() ? 0 : REVOKE_WAIT.toMillis());
            for (TopicPartition partition : partitions) {
                PartitionChain chain = chains.get(partition);
                if (chain != null) {
                    chain.finishStoring(Duration.ofMillis(Math.max(0, deadline - clock.millis())));
                }
            }
            Runnable answer;
            while ((answer = answers.poll()) != null) {
                answer.run();
            }
            commit();
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            finishEncoding();
            forget(partitions);
        }

        private void forget(Collection<TopicPartition> partitions) {
            for (TopicPartition partition : partitions) {
                PartitionChain chain = chains.remove(partition);
                if (chain != null) {
                    chain.abandon();
                }
                paused.remove(partition);
                toCommit.remove(partition);
            }
            if (!partitions.isEmpty()) {
                LOG.info("No longer archiving partitions {}", partitions);
            }
        }
    }
}
