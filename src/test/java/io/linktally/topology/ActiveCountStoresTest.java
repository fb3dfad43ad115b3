package io.linktally.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.linktally.events.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ActiveCountStoresTest {
    // Not the driver's default /tmp/kafka-streams: another build on the machine running the same test
    // would share its store files.
    @TempDir
    Path stateDir;

    @Test
    void theRunningTasksStoreIsThereWhileItRunsAndGoneWhenItCloses() {
        ActiveCountStores running = new ActiveCountStores();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "active-stores-test");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        try (RocksDbMemory memory = new RocksDbMemory(16L << 20, 4L << 20)) {
            props.putAll(LinkTopology.requiredConfig(memory));
            TopologyTestDriver driver = new TopologyTestDriver(LinkTopology.build(Duration.ofDays(7), running), props);
            try {
                TestInputTopic<byte[], byte[]> created = driver.createInputTopic(Topics.LINKS_CREATED,
                        new ByteArraySerializer(), new ByteArraySerializer());
                for (String id : new String[] {"1", "2", "2"}) {
                    created.pipeInput(id.getBytes(StandardCharsets.UTF_8),
                            ("{\"url\":\"https://WWW.buffer.com\",\"update_id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8),
                            Instant.parse("2026-11-23T10:00:00Z"));
                }

                assertThat(running.forPartition(0)).isPresent();
                // Kafka Streams' store layers are what the view expects: it found the cache to read beneath.
                assertThat(running.forPartition(0).get()).isInstanceOf(BeneathCacheCounts.class);
                assertThat(running.forPartition(0).get().get("https://buffer.com/")).isEqualTo(new LinkCounts(2, 0));
                assertThat(running.forPartition(0).get().get("https://never-shared.example/")).isNull();
                assertThat(running.forPartition(1)).isEmpty();
            } finally {
                driver.close();
            }
            assertThat(running.forPartition(0)).isEmpty();
        }
    }
}
