package io.linktally.kafka;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * How every client of a command reaches the cluster: its bootstrap servers and the settings of
 * {@code --kafka-config} (security, timeouts, Kafka Streams settings). A client starts from those
 * settings and puts its own on top; a setting linktally gives a client is not the file's to
 * change, because the guarantees rest on such settings (acks, idempotence, isolation), so a file
 * giving one another value is refused rather than silently overridden or silently ignored.
 */
public record KafkaConnection(String bootstrapServers, Map<String, String> settings) {
    /** Why a file may not name the cluster. */
    public static final String BOOTSTRAP_SERVERS_IN_FILE =
            "--kafka-config sets bootstrap.servers: give the cluster with --bootstrap-servers instead";
    private static final List<String> STREAMS_CLIENT_PREFIXES = List.of(
            "main.consumer.", "restore.consumer.", "global.consumer.", "consumer.", "producer.", "admin.");

    public KafkaConnection {
        Objects.requireNonNull(bootstrapServers);
        settings = Map.copyOf(settings);
        if (settings.containsKey(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new IllegalArgumentException(BOOTSTRAP_SERVERS_IN_FILE);
        }
    }

    /** A connection with no settings beyond the bootstrap servers. */
    public static KafkaConnection of(String bootstrapServers) {
        return new KafkaConnection(bootstrapServers, Map.of());
    }

    /**
     * The file's settings, the bootstrap servers, then the client's own settings.
     *
     * @throws IllegalArgumentException when the file gives one of the client's own settings another value
     */
    public Properties properties(String client, Map<String, ?> own) {
        Map<String, String> conflicts = new TreeMap<>();
        for (Map.Entry<String, ?> setting : own.entrySet()) {
            String value = String.valueOf(setting.getValue());
            for (String key : namesFor(setting.getKey())) {
                String theirs = settings.get(key);
                if (theirs != null && !theirs.equals(value)) {
                    conflicts.put(key, value);
                }
            }
        }
        if (!conflicts.isEmpty()) {
            StringBuilder message = new StringBuilder("--kafka-config sets what linktally sets itself for its ").append(client).append(':');
            conflicts.forEach((key, value) -> message.append(' ').append(key).append('=').append(settings.get(key))
                    .append(" (linktally: ").append(value).append(')'));
            throw new IllegalArgumentException(message.append("; remove it from the file (where linktally has an option for it,")
                    .append(" such as --session-timeout, use that)").toString());
        }
        Properties props = new Properties();
        props.putAll(settings);
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.putAll(own);
        return props;
    }

    /**
     * The names under which a file could set what linktally sets as {@code name}. Kafka Streams
     * ranks a client-prefixed setting ({@code producer.linger.ms}) over the plain one, and a
     * consumer's own prefix ({@code main.consumer.}) over {@code consumer.}: a plain
     * {@code linger.ms} in the file would be silently outranked, a {@code main.consumer.} one
     * would silently win.
     */
    private static List<String> namesFor(String name) {
        for (String prefix : STREAMS_CLIENT_PREFIXES) {
            if (name.startsWith(prefix)) {
                String plain = name.substring(prefix.length());
                return prefix.equals("consumer.")
                        ? List.of(name, plain, "main.consumer." + plain, "restore.consumer." + plain, "global.consumer." + plain)
                        : List.of(name, plain);
            }
        }
        return List.of(name);
    }

    /** The setting names of the file, for a log line (never their values: they may be secrets). */
    public Set<String> settingNames() {
        return new TreeMap<>(settings).keySet();
    }
}
