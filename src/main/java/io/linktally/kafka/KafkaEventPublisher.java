package io.linktally.kafka;

import io.linktally.events.EventPublisher;
import io.linktally.events.PublishableEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/** Publishes through one shared idempotent producer and waits for every acknowledgement. */
public final class KafkaEventPublisher implements EventPublisher, AutoCloseable {
    private final Producer<byte[], byte[]> producer;

    public KafkaEventPublisher(Producer<byte[], byte[]> producer) {
        this.producer = producer;
    }

    @Override
    public void publishAll(List<PublishableEvent> events, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Future<RecordMetadata>> acks = new ArrayList<>(events.size());
        for (PublishableEvent event : events) {
            acks.add(producer.send(new ProducerRecord<>(event.topic(), null, event.timestamp(), event.key(), event.value())));
        }
        producer.flush();
        try {
            for (Future<RecordMetadata> ack : acks) {
                ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (ExecutionException e) {
            throw new PublishFailedException("Kafka did not accept the events: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new PublishFailedException("Kafka did not acknowledge the events within " + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishFailedException("interrupted while waiting for Kafka", e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
