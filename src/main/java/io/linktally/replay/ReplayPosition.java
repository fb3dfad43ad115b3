package io.linktally.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * How far a replay has got: per source partition, the last archived offset published and
 * committed, and how many records that took. Kept in Kafka, in the same transaction as the records.
 */
public record ReplayPosition(Map<String, Long> lastOffsets, long replayed) {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final ReplayPosition START = new ReplayPosition(Map.of(), 0);

    public ReplayPosition {
        lastOffsets = Map.copyOf(lastOffsets);
    }

    /** The last offset of the source partition already replayed, or -1. */
    public long lastOffset(TopicPartition source) {
        return lastOffsets.getOrDefault(name(source), -1L);
    }

    public ReplayPosition after(Map<TopicPartition, Long> advanced, long records) {
        Map<String, Long> next = new TreeMap<>(lastOffsets);
        advanced.forEach((partition, offset) -> next.merge(name(partition), offset, Math::max));
        return new ReplayPosition(next, replayed + records);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(Map.of("last_offsets", new TreeMap<>(lastOffsets), "replayed", replayed));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ReplayPosition fromJson(String json) {
        try {
            Map<String, Object> fields = JSON.readValue(json, new TypeReference<Map<String, Object>>() { });
            Map<String, Long> offsets = JSON.convertValue(fields.getOrDefault("last_offsets", Map.of()), new TypeReference<Map<String, Long>>() { });
            return new ReplayPosition(offsets, ((Number) fields.getOrDefault("replayed", 0)).longValue());
        } catch (JsonProcessingException | ClassCastException | IllegalArgumentException e) {
            throw new IllegalStateException("unreadable replay position: " + json, e);
        }
    }

    private static String name(TopicPartition partition) {
        return partition.topic() + "/" + partition.partition();
    }
}
