package io.linktally.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class KafkaConnectionTest {
    private final KafkaConnection secured = new KafkaConnection("kafka-1:9093", Map.of(
            "security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512", "acks", "all"));

    @Test
    void aClientGetsTheFileTheBootstrapServersAndItsOwnSettings() {
        Properties props = secured.properties("event producer", Map.of("acks", "all", "linger.ms", 5));
        assertThat(props).containsExactlyInAnyOrderEntriesOf(Map.of(
                "security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512", "acks", "all",
                "bootstrap.servers", "kafka-1:9093", "linger.ms", 5));
    }

    @Test
    void theFileCannotGiveTheClientsOwnSettingsOtherValues() {
        KafkaConnection loose = new KafkaConnection("kafka-1:9093", Map.of("acks", "1", "enable.idempotence", "false", "retries", "3"));
        assertThatThrownBy(() -> loose.properties("event producer", Map.of("acks", "all", "enable.idempotence", true, "linger.ms", 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--kafka-config sets what linktally sets itself for its event producer: acks=1 (linktally: all)"
                        + " enable.idempotence=false (linktally: true); remove it from the file (where linktally has an option"
                        + " for it, such as --session-timeout, use that)");
    }

    @Test
    void aPlainSettingCannotBeOutrankedByTheClientPrefixedOneLinktallyGivesKafkaStreams() {
        KafkaConnection tuned = new KafkaConnection("kafka-1:9093", Map.of("linger.ms", "50", "fetch.max.wait.ms", "100"));
        assertThatThrownBy(() -> tuned.properties("Kafka Streams", Map.of("producer.linger.ms", 20, "consumer.fetch.max.wait.ms", 100)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--kafka-config sets what linktally sets itself for its Kafka Streams: linger.ms=50 (linktally: 20);");
        KafkaConnection mainConsumer = new KafkaConnection("kafka-1:9093", Map.of("main.consumer.max.poll.records", "500"));
        assertThatThrownBy(() -> mainConsumer.properties("Kafka Streams", Map.of("consumer.max.poll.records", 2000)))
                .hasMessageStartingWith("--kafka-config sets what linktally sets itself for its Kafka Streams:"
                        + " main.consumer.max.poll.records=500 (linktally: 2000);");
        assertThat(new KafkaConnection("kafka-1:9093", Map.of("fetch.max.wait.ms", "100"))
                .properties("Kafka Streams", Map.of("consumer.fetch.max.wait.ms", 100))).containsEntry("fetch.max.wait.ms", "100");
    }

    @Test
    void theClusterIsGivenByTheBootstrapServersAlone() {
        assertThatThrownBy(() -> new KafkaConnection("kafka-1:9093", Map.of("bootstrap.servers", "elsewhere:9092")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--kafka-config sets bootstrap.servers: give the cluster with --bootstrap-servers instead");
    }

    @Test
    void aLogLineNamesTheSettingsButNotTheirValues() {
        assertThat(secured.settingNames()).containsExactly("acks", "sasl.mechanism", "security.protocol");
        assertThat(KafkaConnection.of("localhost:9092").properties("admin client", Map.of()))
                .containsExactlyInAnyOrderEntriesOf(Map.of("bootstrap.servers", "localhost:9092"));
    }
}
