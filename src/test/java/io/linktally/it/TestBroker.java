package io.linktally.it;

import io.linktally.events.Topics;
import io.linktally.kafka.KafkaClients;
import io.linktally.kafka.SingleNodeBroker;
import io.linktally.kafka.TopicAdmin;
import io.linktally.kafka.TopicDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.clients.admin.Admin;

/** The project's own single-node KRaft broker, in the test's JVM, with the contract's topics. */
final class TestBroker implements AutoCloseable {
    private final SingleNodeBroker broker;
    private final Path dataDir;

    private TestBroker(SingleNodeBroker broker, Path dataDir) {
        this.broker = broker;
        this.dataDir = dataDir;
    }

    static TestBroker start() {
        TestBroker broker = startEmpty();
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            new TopicAdmin(admin).ensure(TopicDefinition.bundled(Topics.ALL));
        }
        return broker;
    }

    static TestBroker startEmpty() {
        try {
            Path dir = Files.createTempDirectory(Path.of("target"), "it-broker-");
            return new TestBroker(SingleNodeBroker.start(dir, "localhost", FreePorts.next(), FreePorts.next()), dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        broker.close();
    }
}
