package io.linktally.it;

import io.linktally.events.Topics;
import io.linktally.kafka.KafkaClients;
import io.linktally.kafka.SingleNodeBroker;
import io.linktally.kafka.TopicAdmin;
import io.linktally.kafka.TopicDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
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

    /** The users, and their passwords, that a broker from {@link #startWithSasl()} lets in. */
    static final String SASL_USER = "linktally";
    static final String SASL_PASSWORD = "linktally-secret";
    static final String SECOND_SASL_USER = "second";
    static final String SECOND_SASL_PASSWORD = "second-secret";

    /**
     * A broker whose client port takes only SASL/PLAIN logins (users {@link #SASL_USER} and {@link #SECOND_SASL_USER}), and no
     * topics: clients reach it only with the security settings of a real cluster.
     */
    static TestBroker startWithSasl() {
        int port = FreePorts.next();
        int controller = FreePorts.next();
        String users = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"broker\" password=\"broker-secret\""
                + " user_broker=\"broker-secret\" user_" + SASL_USER + "=\"" + SASL_PASSWORD + "\""
                + " user_" + SECOND_SASL_USER + "=\"" + SECOND_SASL_PASSWORD + "\";";
        Map<String, String> sasl = Map.of(
                "listeners", "SASL_PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controller,
                "advertised.listeners", "SASL_PLAINTEXT://localhost:" + port,
                "listener.security.protocol.map", "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name", "SASL_PLAINTEXT",
                "sasl.enabled.mechanisms", "PLAIN",
                "sasl.mechanism.inter.broker.protocol", "PLAIN",
                "listener.name.sasl_plaintext.plain.sasl.jaas.config", users);
        try {
            Path dir = Files.createTempDirectory(Path.of("target"), "it-broker-sasl-");
            return new TestBroker(SingleNodeBroker.start(dir, "localhost", port, controller, sasl), dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The client settings that log in to a broker from {@link #startWithSasl()}. */
    static Map<String, String> saslClientSettings() {
        return saslClientSettings(SASL_USER, SASL_PASSWORD);
    }

    static Map<String, String> saslClientSettings(String user, String password) {
        return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user
                        + "\" password=\"" + password + "\";");
    }

    /** A file for {@code --kafka-config} holding {@code settings}. */
    static Path clientConfigFile(Map<String, String> settings) throws IOException {
        Path file = Files.createTempFile(Path.of("target"), "kafka-config-", ".properties");
        Properties properties = new Properties();
        properties.putAll(settings);
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            properties.store(out, null);
        }
        return file;
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
