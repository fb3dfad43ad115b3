package io.linktally.config;

import java.util.Optional;
import picocli.CommandLine.Option;

/** Where the Kafka cluster is. Absent on {@code serve}: the embedded default starts one. */
public final class KafkaOptions {
    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            description = "The Kafka cluster (env LINKTALLY_BOOTSTRAP_SERVERS).")
    private String bootstrapServers;

    public Optional<String> bootstrapServers() {
        return Optional.ofNullable(bootstrapServers).filter(s -> !s.isBlank());
    }

    /** For the client commands, which talk to the embedded default's broker when not told otherwise. */
    public String bootstrapServersOrLocal() {
        return bootstrapServers().orElse(EmbeddedDefaults.BOOTSTRAP_SERVERS);
    }
}
