package io.linktally.events;

/** One validated event on its way to Kafka: the bytes go out exactly as the sender gave them. */
public record PublishableEvent(String topic, byte[] key, byte[] value, long timestamp) {
}
