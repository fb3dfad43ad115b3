package io.linktally.app;

import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;

/** Kafka Streams takes one restore listener; metrics and the query layer both need to hear restores. */
final class RestoreListeners implements StateRestoreListener {
    private final List<StateRestoreListener> listeners;

    RestoreListeners(StateRestoreListener... listeners) {
        this.listeners = List.of(listeners);
    }

    @Override
    public void onRestoreStart(TopicPartition partition, String store, long startingOffset, long endingOffset) {
        listeners.forEach(listener -> listener.onRestoreStart(partition, store, startingOffset, endingOffset));
    }

    @Override
    public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long numRestored) {
        listeners.forEach(listener -> listener.onBatchRestored(partition, store, batchEndOffset, numRestored));
    }

    @Override
    public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
        listeners.forEach(listener -> listener.onRestoreEnd(partition, store, totalRestored));
    }
}
