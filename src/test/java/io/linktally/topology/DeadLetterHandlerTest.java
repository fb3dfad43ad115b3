package io.linktally.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.linktally.events.DeadLetterHeaders;
import io.linktally.events.Topics;
import java.io.UncheckedIOException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;
import org.rocksdb.RocksDBException;

class DeadLetterHandlerTest {
    private final DeadLetterHandler handler = new DeadLetterHandler();
    private final Record<String, String> record = new Record<>("k", "v", 42L);

    @Test
    void aRecordsOwnFaultIsDeadLetteredWithItsSourceAndReason() {
        ProcessingExceptionHandler.Response response = handler.handleError(context(), record, new IllegalArgumentException("bad url"));

        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).hasSize(1);
        ProducerRecord<byte[], byte[]> dead = response.deadLetterQueueRecords().get(0);
        assertThat(dead.topic()).isEqualTo(Topics.DEAD_LETTER);
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("raw-value");
        assertThat(header(dead, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo("events-by-url");
        assertThat(header(dead, DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("3");
        assertThat(header(dead, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("1234");
        assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("bad url");
        assertThat(header(dead, DeadLetterHeaders.ERROR_CLASS)).isEqualTo(IllegalArgumentException.class.getName());
    }

    @Test
    void aClosedStoreFailsTheTaskInsteadOfDroppingTheCount() {
        ProcessingExceptionHandler.Response response = handler.handleError(context(), record,
                new InvalidStateStoreException("Store event-dedup.3 is currently closed"));

        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.FAIL);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
    }

    @Test
    void rocksDbAndKafkaFailuresAnywhereInTheCauseChainFailTheTask() {
        assertThat(handler.handleError(context(), record,
                new ProcessorStateException("put failed", new RocksDBException("IO error"))).result())
                .isEqualTo(ProcessingExceptionHandler.Result.FAIL);
        assertThat(handler.handleError(context(), record,
                new IllegalStateException("wrapped", new RocksDBException("no space"))).result())
                .isEqualTo(ProcessingExceptionHandler.Result.FAIL);
        assertThat(handler.handleError(context(), record,
                new RuntimeException("send", new ProducerFencedException("fenced"))).result())
                .isEqualTo(ProcessingExceptionHandler.Result.FAIL);
        assertThat(handler.handleError(context(), record,
                new UncheckedIOException(new IOException("disk"))).result())
                .isEqualTo(ProcessingExceptionHandler.Result.FAIL);
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static ErrorHandlerContext context() {
        return new ErrorHandlerContext() {
            @Override
            public String topic() {
                return "events-by-url";
            }

            @Override
            public int partition() {
                return 3;
            }

            @Override
            public long offset() {
                return 1234;
            }

            @Override
            public Headers headers() {
                return new RecordHeaders();
            }

            @Override
            public String processorNodeId() {
                return TopologyNames.DEDUP_AND_COUNT;
            }

            @Override
            public TaskId taskId() {
                return new TaskId(1, 3);
            }

            @Override
            public long timestamp() {
                return 42L;
            }

            @Override
            public byte[] sourceRawKey() {
                return "raw-key".getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public byte[] sourceRawValue() {
                return "raw-value".getBytes(StandardCharsets.UTF_8);
            }
        };
    }
}
