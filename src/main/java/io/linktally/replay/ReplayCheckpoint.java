package io.linktally.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The file that names a replay so that it can be resumed: its id (which is also its transactional
 * id and the consumer group keeping its position in Kafka), what it reads and where it writes, and
 * the last position it saw committed. Kafka holds the authoritative position; the file's copy is
 * for people.
 */
public record ReplayCheckpoint(String replayId, String from, List<String> topics, Map<String, String> toTopics, String since,
                               String until, String position) {
    private static final ObjectMapper JSON = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    public static ReplayCheckpoint fresh(String from, ReplaySettings settings) {
        return new ReplayCheckpoint(UUID.randomUUID().toString(), from, settings.topics(), settings.renames(),
                settings.since().map(Object::toString).orElse(""), settings.until().map(Object::toString).orElse(""), ReplayPosition.START.toJson());
    }

    public static Optional<ReplayCheckpoint> load(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), ReplayCheckpoint.class));
        } catch (IOException e) {
            throw new IOException("checkpoint " + file + " is not a replay checkpoint: " + e.getMessage(), e);
        }
    }

    /** Why this checkpoint cannot resume a replay of {@code from} with these settings, or empty if it can. */
    public Optional<String> mismatch(String from, ReplaySettings settings) {
        ReplayCheckpoint asked = fresh(from, settings);
        if (!this.from.equals(asked.from) || !topics.equals(asked.topics) || !toTopics.equals(asked.toTopics)
                || !since.equals(asked.since) || !until.equals(asked.until)) {
            return Optional.of("it was written by a replay of " + this.from + " " + topics + " -> " + toTopics + " [" + since + ", " + until
                    + "); use the same --from, --topics, --to-topic, --since and --until, or another --checkpoint");
        }
        return Optional.empty();
    }

    public ReplayCheckpoint at(ReplayPosition position) {
        return new ReplayCheckpoint(replayId, from, topics, toTopics, since, until, position.toJson());
    }

    /** Written to a temporary file and moved over the old one, so a kill never leaves half a checkpoint. */
    public void save(Path file) throws IOException {
        Path absolute = file.toAbsolutePath();
        Path temporary = absolute.resolveSibling(absolute.getFileName() + ".tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(temporary.toFile(), this);
        Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The transactional id and consumer group of this replay. */
    public String kafkaId() {
        return "linktally-replay-" + replayId;
    }
}
