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
 * They are the same store objects interactive queries read, safe to read from other threads.
 */
public final class ActiveCountStores {
    private final Map<Integer, ReadOnlyKeyValueStore<String, LinkCounts>> byPartition = new ConcurrentHashMap<>();

    public Optional<ReadOnlyKeyValueStore<String, LinkCounts>> forPartition(int partition) {
        return Optional.ofNullable(byPartition.get(partition));
    }

    void opened(int partition, ReadOnlyKeyValueStore<String, LinkCounts> store) {
        byPartition.put(partition, store);
    }

    void closed(int partition, ReadOnlyKeyValueStore<String, LinkCounts> store) {
        byPartition.remove(partition, store);
    }
}
