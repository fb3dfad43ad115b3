package io.linktally.config;

import io.linktally.kafka.KafkaConnection;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Where the Kafka cluster is, and how to reach it. No bootstrap servers on {@code serve}: the embedded default starts one. */
public final class KafkaOptions {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            description = "The Kafka cluster (env LINKTALLY_BOOTSTRAP_SERVERS).")
    private String bootstrapServers;

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "Kafka client settings, as Java properties, for every client of the command: security (security.protocol, "
                    + "sasl.*, ssl.*), timeouts, and on serve Kafka Streams settings (env LINKTALLY_KAFKA_CONFIG).")
    private Path kafkaConfig;

    public Optional<String> bootstrapServers() {
        return Optional.ofNullable(bootstrapServers).filter(s -> !s.isBlank());
    }

    /** For the client commands, which talk to the embedded default's broker when not told otherwise. */
    public String bootstrapServersOrLocal() {
        return bootstrapServers().orElse(EmbeddedDefaults.BOOTSTRAP_SERVERS);
    }

    /** The client commands' connection: to the embedded default's broker unless told otherwise. */
    public KafkaConnection connectionOrLocal() {
        return new KafkaConnection(bootstrapServersOrLocal(), clientSettings());
    }

    /** The settings of --kafka-config; none without it. */
    public Map<String, String> clientSettings() {
        if (kafkaConfig == null) {
            return Map.of();
        }
        Properties file = new Properties();
        try (Reader reader = Files.newBufferedReader(kafkaConfig, StandardCharsets.UTF_8)) {
            file.load(reader);
        } catch (NoSuchFileException e) {
            throw new ParameterException(spec.commandLine(), "--kafka-config: no such file " + kafkaConfig);
        } catch (IOException | IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--kafka-config: cannot read " + kafkaConfig + ": " + e.getMessage());
        }
        Map<String, String> settings = new TreeMap<>();
        file.stringPropertyNames().forEach(name -> settings.put(name, file.getProperty(name)));
        if (settings.containsKey(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new ParameterException(spec.commandLine(), KafkaConnection.BOOTSTRAP_SERVERS_IN_FILE);
        }
        return settings;
    }
}
