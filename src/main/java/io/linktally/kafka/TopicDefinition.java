package io.linktally.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * One topic as a file of {@code topics/} describes it: {@code partitions}, {@code replication.factor}
 * and any topic configs, as {@code key=value} lines named after the topic.
 */
public record TopicDefinition(String name, int partitions, short replicationFactor, Map<String, String> configs) {
    private static final String CLASSPATH_DIR = "topics/";

    public TopicDefinition {
        configs = Map.copyOf(configs);
    }

    /** The definitions the jar carries, one per topic of the contract. */
    public static List<TopicDefinition> bundled(List<String> topics) {
        List<TopicDefinition> definitions = new ArrayList<>();
        for (String topic : topics) {
            try (InputStream in = TopicDefinition.class.getClassLoader().getResourceAsStream(CLASSPATH_DIR + topic)) {
                if (in == null) {
                    throw new IllegalStateException("the jar carries no topic definition " + CLASSPATH_DIR + topic);
                }
                definitions.add(parse(topic, in));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return definitions;
    }

    /** Every file of {@code dir}, each describing the topic it is named after. */
    public static List<TopicDefinition> fromDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("topics directory " + dir + " does not exist");
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<TopicDefinition> definitions = new ArrayList<>();
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    definitions.add(parse(file.getFileName().toString(), in));
                }
            }
            return definitions;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read topic definitions from " + dir, e);
        }
    }

    static TopicDefinition parse(String name, InputStream in) throws IOException {
        Properties props = new Properties();
        props.load(in);
        Map<String, String> configs = new TreeMap<>();
        props.stringPropertyNames().forEach(key -> configs.put(key, props.getProperty(key).trim()));
        String partitions = configs.remove("partitions");
        String replication = configs.remove("replication.factor");
        if (partitions == null || replication == null) {
            throw new IllegalArgumentException("topic definition " + name + " needs both partitions and replication.factor");
        }
        try {
            return new TopicDefinition(name, Integer.parseInt(partitions), Short.parseShort(replication), configs);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("topic definition " + name + ": partitions and replication.factor must be numbers", e);
        }
    }
}
