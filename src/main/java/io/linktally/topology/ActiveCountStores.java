package io.linktally.topology;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The count stores of this instance's running active tasks, by partition, kept by the counting
 * processor itself: present from {@code init()} (the task restored and running) until
 * {@code close()}. Interactive queries resolve the task again on every read, which costs more
 * than the read; a lookup reads these directly and falls back to them when a partition is absent.
 * Reads go beneath the record cache ({@link BeneathCacheCounts}), safe from other threads.
 */
public final class ActiveCountStores {
    private final Map<Integer, Opened> byPartition = new ConcurrentHashMap<>();

    /** The store a task opened, and the view of it that lookups read. */
    private record Opened(ReadOnlyKeyValueStore<String, LinkCounts> store, ReadOnlyKeyValueStore<String, LinkCounts> view) {
    }

    public Optional<ReadOnlyKeyValueStore<String, LinkCounts>> forPartition(int partition) {
        return Optional.ofNullable(byPartition.get(partition)).map(Opened::view);
    }

    void opened(int partition, ReadOnlyKeyValueStore<String, LinkCounts> store) {
        byPartition.put(partition, new Opened(store, BeneathCacheCounts.of(store)));
    }

    void closed(int partition, ReadOnlyKeyValueStore<String, LinkCounts> store) {
        // Only the entry of this store: a new task of the partition may have opened its own already.
        byPartition.computeIfPresent(partition, (p, opened) -> opened.store() == store ? null : opened);
    }
}
