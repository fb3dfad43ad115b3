package io.linktally.app;

import io.linktally.config.ServeOptions;
import io.linktally.kafka.KafkaConnection;
import io.linktally.topology.LinkTopology;
import io.linktally.topology.RocksDbMemory;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** The Kafka Streams configuration of {@code serve}, from its options. */
final class StreamsProperties {
    private StreamsProperties() {
    }

    static Properties of(ServeOptions options, KafkaConnection connection, RocksDbMemory memory) {
        Map<String, Object> props = new HashMap<>();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, options.applicationId());
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, options.applicationServer());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, options.processingGuarantee());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, options.streamThreads());
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, options.standbyReplicas());
        props.put(StreamsConfig.STATE_DIR_CONFIG, options.stateDir().toAbsolutePath().toString());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, options.commitInterval().toMillis());
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, options.recordCache());
        props.putAll(LinkTopology.requiredConfig(memory));
        // Repartition and changelog records are small and many: batch and compress them.
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 20);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 256 * 1024);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 2000);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), (int) options.sessionTimeout().toMillis());
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG),
                (int) Math.max(500, options.sessionTimeout().toMillis() / 4));
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 100);
        return connection.properties("Kafka Streams", props);
    }
}
