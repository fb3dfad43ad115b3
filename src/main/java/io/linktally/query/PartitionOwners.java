package io.linktally.query;

import io.linktally.topology.TopologyNames;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Which instances hold each partition of the count store, as of the last assignment.
 *
 * <p>{@link KafkaStreams#queryMetadataForKey} takes a lock shared by every caller and scans every
 * instance's partitions for each key; at tens of thousands of lookups a second that lock is where
 * the lookup threads queue. The assignment only changes in a rebalance, so the owners of each
 * partition are asked of Kafka Streams once, while it runs, and forgotten on every state change.
 * A key's partition is computed the way the repartition by URL wrote it (murmur2 of the key bytes,
 * as the default partitioner does), which a test holds equal to Kafka Streams' own answer.
 */
public final class PartitionOwners {
    private static final Serializer<String> KEYS = Serdes.String().serializer();
    private final KafkaStreams streams;
    private final AtomicInteger generation = new AtomicInteger();
    private volatile Snapshot snapshot;

    public PartitionOwners(KafkaStreams streams) {
        this.streams = streams;
    }

    /** Called on every Kafka Streams state change: a rebalance may have moved any partition. */
    public synchronized void forget() {
        generation.incrementAndGet();
        snapshot = null;
    }

    /** The partition and its holders, or null while Kafka Streams does not know them. */
    KeyQueryMetadata of(String canonicalUrl) {
        Snapshot current = snapshot != null ? snapshot : rebuild();
        if (current == null) {
            KeyQueryMetadata owner = streams.queryMetadataForKey(TopologyNames.COUNTS_STORE, canonicalUrl, KEYS);
            return owner == null || KeyQueryMetadata.NOT_AVAILABLE.equals(owner) ? null : owner;
        }
        return current.owners[partition(canonicalUrl, current.owners.length)];
    }

    /** The holders of every partition, by partition, or null while Kafka Streams does not know them all. */
    KeyQueryMetadata[] all() {
        Snapshot current = snapshot;
        if (current != null) {
            return current.owners.clone();
        }
        if (streams.state() != KafkaStreams.State.RUNNING) {
            // Also while restoring what it was given: asked afresh each time, since the assignment
            // can change again with no state change to forget a snapshot by.
            return ownersNow();
        }
        Snapshot built = rebuild();
        return built == null ? null : built.owners.clone();
    }

    static int partition(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** Every partition's holders read now, kept while nothing changed meanwhile; null while not running or not all known. */
    private Snapshot rebuild() {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            return null;
        }
        int asOf = generation.get();
        KeyQueryMetadata[] owners = ownersNow();
        if (owners == null) {
            return null;
        }
        Snapshot built = new Snapshot(owners);
        synchronized (this) {
            // After a state change during the read these owners still answer this call, as a read
            // made afresh would, but are not kept: the change may have moved partitions since.
            if (generation.get() == asOf && streams.state() == KafkaStreams.State.RUNNING) {
                snapshot = built;
            }
        }
        return built;
    }

    /** Every partition's holders as Kafka Streams knows them now, or null while it does not know them all. */
    private KeyQueryMetadata[] ownersNow() {
        PartitionCount count = new PartitionCount();
        if (!known(streams.queryMetadataForKey(TopologyNames.COUNTS_STORE, "", count)) || count.partitions <= 0) {
            return null;
        }
        KeyQueryMetadata[] owners = new KeyQueryMetadata[count.partitions];
        for (int p = 0; p < owners.length; p++) {
            owners[p] = streams.queryMetadataForKey(TopologyNames.COUNTS_STORE, p, ItsOwnPartition.INSTANCE);
            if (!known(owners[p])) {
                return null;
            }
        }
        return owners;
    }

    private static boolean known(KeyQueryMetadata owner) {
        return owner != null && !KeyQueryMetadata.NOT_AVAILABLE.equals(owner);
    }

    private record Snapshot(KeyQueryMetadata[] owners) {
    }

    /** Learns the partition count Kafka Streams routes the store's keys over. */
    private static final class PartitionCount implements StreamPartitioner<String, Object> {
        private int partitions;

        @Override
        public Optional<Set<Integer>> partitions(String topic, String key, Object value, int numPartitions) {
            partitions = numPartitions;
            return Optional.of(Set.of(0));
        }
    }

    /** Asks for a partition's holders directly, the key being the partition number. */
    private enum ItsOwnPartition implements StreamPartitioner<Integer, Object> {
        INSTANCE;

        @Override
        public Optional<Set<Integer>> partitions(String topic, Integer partition, Object value, int numPartitions) {
            return Optional.of(Set.of(partition));
        }
    }
}
