package io.linktally.query;

import org.apache.kafka.streams.KafkaStreams;

/** Ready while Kafka Streams is RUNNING: every assigned task restored and processing. */
public final class StreamsReadiness implements Readiness {
    private final KafkaStreams streams;

    public StreamsReadiness(KafkaStreams streams) {
        this.streams = streams;
    }

    @Override
    public Status status() {
        KafkaStreams.State state = streams.state();
        return new Status(state == KafkaStreams.State.RUNNING, state.name());
    }
}
