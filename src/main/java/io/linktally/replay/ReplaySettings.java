package io.linktally.replay;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a replay reads and where it writes.
 *
 * @param topics        archived topics to read
 * @param since         records at or after this instant (by record timestamp), if given
 * @param until         records before this instant, if given
 * @param renames       source topic to target topic; a topic not named goes to itself
 * @param partitioning  how target partitions are chosen
 * @param rate          records per second at most, if given
 * @param skipCorrupt   go on past a corrupt object (reporting it) instead of stopping
 * @param transactionRecords records per transaction
 * @param transactionTime    longest a transaction stays open
 */
public record ReplaySettings(List<String> topics, Optional<Instant> since, Optional<Instant> until, Map<String, String> renames,
                             Partitioning partitioning, OptionalLong rate, boolean skipCorrupt, int transactionRecords,
                             Duration transactionTime) {
    public ReplaySettings {
        topics = List.copyOf(topics);
        renames = Map.copyOf(renames);
    }

    /** {@code keep}: the archived partition; {@code key}: the producer's partitioner on the key; {@code auto}: keep when the counts match. */
    public enum Partitioning { AUTO, KEEP, KEY }

    public String target(String sourceTopic) {
        return renames.getOrDefault(sourceTopic, sourceTopic);
    }

    boolean inRange(long timestamp) {
        return since.map(t -> timestamp >= t.toEpochMilli()).orElse(true) && until.map(t -> timestamp < t.toEpochMilli()).orElse(true);
    }
}
