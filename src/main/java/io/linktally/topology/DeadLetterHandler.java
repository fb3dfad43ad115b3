package io.linktally.topology;

import io.linktally.events.DeadLetterHeaders;
import io.linktally.events.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends every record the topology cannot use to {@link Topics#DEAD_LETTER}, unchanged, and carries
 * on. The dead-letter record is produced in the same transaction as the task's other output, so
 * under exactly-once it appears exactly once, together with the offset commit that skips it.
 *
 * <p>Only the record's own faults are dead-lettered. A processing error that comes from Kafka or
 * a store (a store closed under a rebalance, a RocksDB failure, a fenced producer) says nothing
 * about the record: skipping it would silently drop a count, so the task fails instead, its
 * transaction aborts and the record is processed again once the thread or task is back.
 */
public final class DeadLetterHandler implements DeserializationExceptionHandler, ProcessingExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterHandler.class);

    @Override
    public void configure(Map<String, ?> configs) {
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(
            ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        LOG.warn("Dead-lettering {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), exception.getMessage());
        return DeserializationExceptionHandler.Response.resume(List.of(deadLetter(
                record.topic(), record.partition(), record.offset(), record.timestamp(),
                record.key(), record.value(), record.headers(), exception)));
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(
            ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (isInfrastructureFailure(exception)) {
            LOG.warn("Processing {}-{}@{} in {} failed in Kafka or a state store; failing the task so the record is processed again",
                    context.topic(), context.partition(), context.offset(), context.processorNodeId(), exception);
            return ProcessingExceptionHandler.Response.fail();
        }
        LOG.error("Processing failed for {}-{}@{} in {}; dead-lettering the source record",
                context.topic(), context.partition(), context.offset(), context.processorNodeId(), exception);
        return ProcessingExceptionHandler.Response.resume(List.of(deadLetter(
                context.topic(), context.partition(), context.offset(), context.timestamp(),
                context.sourceRawKey(), context.sourceRawValue(), context.headers(), exception)));
    }

    /** True when anything in the exception's causal chain comes from Kafka or RocksDB rather than from the record. */
    static boolean isInfrastructureFailure(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof KafkaException || t instanceof RocksDBException || t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    static ProducerRecord<byte[], byte[]> deadLetter(String topic, int partition, long offset, long timestamp,
                                                     byte[] key, byte[] value, Headers original, Exception exception) {
        Headers headers = new RecordHeaders(original == null ? new RecordHeaders().toArray() : original.toArray());
        headers.add(DeadLetterHeaders.SOURCE_TOPIC, utf8(topic));
        headers.add(DeadLetterHeaders.SOURCE_PARTITION, utf8(Integer.toString(partition)));
        headers.add(DeadLetterHeaders.SOURCE_OFFSET, utf8(Long.toString(offset)));
        headers.add(DeadLetterHeaders.REASON, utf8(String.valueOf(exception.getMessage())));
        headers.add(DeadLetterHeaders.ERROR_CLASS, utf8(exception.getClass().getName()));
        return new ProducerRecord<>(Topics.DEAD_LETTER, null, timestamp >= 0 ? timestamp : null, key, value, headers);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
