package io.linktally.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Client set-ups shared by every command: how this project talks to Kafka, in one place. */
public final class KafkaClients {
    private KafkaClients() {
    }

    public static Admin admin(String bootstrapServers) {
        return admin(KafkaConnection.of(bootstrapServers));
    }

    public static Admin admin(KafkaConnection connection) {
        return Admin.create(connection.properties("admin client", Map.of(AdminClientConfig.CLIENT_ID_CONFIG, "linktally-admin")));
    }

    public static Producer<byte[], byte[]> eventProducer(String bootstrapServers, String clientId) {
        return eventProducer(KafkaConnection.of(bootstrapServers), clientId);
    }

    /** Idempotent, acks from all in-sync replicas: an acknowledged event is never lost or doubled. */
    public static Producer<byte[], byte[]> eventProducer(KafkaConnection connection, String clientId) {
        Map<String, Object> own = reliableProducer(clientId);
        own.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        own.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        return new KafkaProducer<>(connection.properties("event producer", own));
    }

    private static Map<String, Object> reliableProducer(String clientId) {
        Map<String, Object> own = new HashMap<>();
        own.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        own.put(ProducerConfig.ACKS_CONFIG, "all");
        own.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        own.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        own.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        own.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return own;
    }

    public static Consumer<byte[], byte[]> archiveConsumer(String bootstrapServers, String groupId, String clientId, Duration sessionTimeout) {
        return archiveConsumer(KafkaConnection.of(bootstrapServers), groupId, clientId, sessionTimeout);
    }

    /**
     * Raw bytes, committed records only (aborted transactions are not events), and offsets
     * committed by hand once what was read is safely stored. No automatic offset reset: where a
     * group starts, and what it does when its next record was deleted before being read, is the
     * archiver's to decide and to report.
     */
    public static Consumer<byte[], byte[]> archiveConsumer(KafkaConnection connection, String groupId, String clientId, Duration sessionTimeout) {
        Map<String, Object> own = new HashMap<>();
        own.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        own.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        own.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        own.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        own.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // Polls that span several partitions let their records be encoded in parallel.
        own.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 20_000);
        own.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 256 * 1024);
        // A halted archiver's partitions wait this long for a new owner.
        own.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) sessionTimeout.toMillis());
        own.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) Math.max(500, sessionTimeout.toMillis() / 3));
        own.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        own.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(connection.properties("archive consumer", own));
    }

    /**
     * Transactional (so idempotent, acks from all in-sync replicas): a replay's records and its
     * position are committed together. The same id fences an older producer still running.
     */
    public static Producer<byte[], byte[]> transactionalProducer(KafkaConnection connection, String transactionalId) {
        Map<String, Object> own = reliableProducer(transactionalId);
        own.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        own.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        own.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        return new KafkaProducer<>(connection.properties("replay producer", own));
    }
}
