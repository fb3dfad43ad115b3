package io.linktally.events;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Validation happens in the deserializer so that every malformed record reaches Kafka Streams'
 * deserialization exception handler with its raw bytes, and from there the dead-letter topic.
 */
public final class LinkCreatedDeserializer implements Deserializer<LinkCreated> {
    private final LinkCreatedCodec codec = new LinkCreatedCodec();

    @Override
    public LinkCreated deserialize(String topic, byte[] bytes) {
        return codec.decode(bytes);
    }

    /** For reading only: events are published as their senders wrote them, never re-encoded. */
    public static Serde<LinkCreated> readOnlySerde() {
        Serializer<LinkCreated> refuse = (topic, event) -> {
            throw new UnsupportedOperationException("link-created events are published as received, never re-encoded");
        };
        return new org.apache.kafka.common.serialization.Serdes.WrapperSerde<>(refuse, new LinkCreatedDeserializer());
    }
}
