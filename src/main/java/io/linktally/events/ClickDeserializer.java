package io.linktally.events;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** Validates clicks in the deserializer, so that a malformed one reaches the dead-letter topic with its raw bytes. */
public final class ClickDeserializer implements Deserializer<ClickEvent> {
    private final ClickCodec codec = new ClickCodec();

    @Override
    public ClickEvent deserialize(String topic, byte[] bytes) {
        return codec.decode(bytes);
    }

    /** For reading only: clicks are published as their senders wrote them, never re-encoded. */
    public static Serde<ClickEvent> readOnlySerde() {
        Serializer<ClickEvent> refuse = (topic, event) -> {
            throw new UnsupportedOperationException("click events are published as received, never re-encoded");
        };
        return new Serdes.WrapperSerde<>(refuse, new ClickDeserializer());
    }
}
