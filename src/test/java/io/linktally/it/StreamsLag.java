package io.linktally.it;

import io.linktally.events.Topics;
import io.linktally.kafka.KafkaClients;
import io.linktally.topology.TopologyNames;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * How far the application is behind its input and its repartition topic, from committed offsets:
 * zero means every event published so far has been counted and its transaction committed.
 * Shared by the integration tests and the benchmarks.
 */
public final class StreamsLag {
    /** Records not yet committed, and how far into the input the committed offsets reach. */
    public record Progress(long lag, long committedInput) {
    }

    private StreamsLag() {
    }

    static long of(String bootstrapServers, String applicationId) throws ExecutionException, InterruptedException {
        try (Admin admin = KafkaClients.admin(bootstrapServers)) {
            return progress(admin, applicationId).lag();
        }
    }

    public static Progress progress(Admin admin, String applicationId) throws ExecutionException, InterruptedException {
        List<String> topics = List.of(Topics.LINKS_CREATED, applicationId + "-" + TopologyNames.BY_URL_REPARTITION + "-repartition");
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get().forEach((topic, description) ->
                description.partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get();
        Map<TopicPartition, OffsetAndMetadata> committed =
                admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata().get();
        long lag = 0;
        long input = 0;
        for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end : ends.entrySet()) {
            OffsetAndMetadata done = committed.get(end.getKey());
            long offset = done == null ? 0 : done.offset();
            lag += end.getValue().offset() - offset;
            if (end.getKey().topic().equals(Topics.LINKS_CREATED)) {
                input += offset;
            }
        }
        return new Progress(lag, input);
    }
}
