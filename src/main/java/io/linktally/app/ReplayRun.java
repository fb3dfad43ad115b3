package io.linktally.app;

import io.linktally.archive.ArchiveUri;
import io.linktally.archive.ObjectStore;
import io.linktally.archive.ObjectStores;
import io.linktally.kafka.KafkaClients;
import io.linktally.kafka.KafkaConnection;
import io.linktally.kafka.TopicAdmin;
import io.linktally.replay.DryRun;
import io.linktally.replay.ReplayCheckpoint;
import io.linktally.replay.ReplayPlan;
import io.linktally.replay.ReplayPosition;
import io.linktally.replay.ReplaySettings;
import io.linktally.replay.Replayer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code replay}: plans what to read, checks the targets, resumes from the committed position and replays. */
public final class ReplayRun implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplayRun.class);

    private final String from;
    private final ObjectStore store;
    private final KafkaConnection kafka;
    private final ReplaySettings settings;
    private final Optional<Path> checkpointFile;

    public ReplayRun(String from, Optional<URI> s3Endpoint, Optional<String> s3Region, KafkaConnection kafka, ReplaySettings settings,
                     Optional<Path> checkpointFile) {
        ArchiveUri uri = ArchiveUri.parse(from);
        this.from = from;
        this.store = ObjectStores.open(uri, s3Endpoint, s3Region)
                .orElseThrow(() -> new IllegalArgumentException("--from none: nothing to replay"));
        this.kafka = kafka;
        this.settings = settings;
        this.checkpointFile = checkpointFile;
    }

    public ReplayPlan plan() throws IOException {
        ReplayPlan plan = ReplayPlan.of(store, settings.topics(), settings.since(), settings.until());
        plan.foreign().forEach(key -> LOG.warn("Not an archive object, skipped: {}", key));
        return plan;
    }

    /** What would be replayed, from the checkpoint's position if there is one. */
    public DryRun dryRun(ReplayPlan plan) throws IOException {
        ReplayPosition position = checkpoint().map(c -> ReplayPosition.fromJson(c.position())).orElse(ReplayPosition.START);
        return DryRun.of(store, plan, settings, position);
    }

    /** Replays the plan; {@code progress} is given the running replayer so that it can be watched. */
    public Replayer.Summary replay(ReplayPlan plan, Consumer<Replayer> progress) throws IOException, ExecutionException, InterruptedException {
        ReplayCheckpoint checkpoint = checkpoint().orElseGet(() -> ReplayCheckpoint.fresh(from, settings));
        try (Admin admin = KafkaClients.admin(kafka)) {
            Map<String, Boolean> keep = partitioning(admin, plan);
            try {
                try (Producer<byte[], byte[]> producer = KafkaClients.transactionalProducer(kafka, checkpoint.kafkaId())) {
                    // Fences any earlier run under this id and settles its open transaction, so the
                    // position read next is exactly what reached the target.
                    producer.initTransactions();
                    ReplayPosition start = Replayer.committedPosition(admin, checkpoint.kafkaId(), Replayer.anchorOf(settings));
                    if (start.replayed() > 0) {
                        LOG.info("Resuming replay {} after {} records: {}", checkpoint.replayId(), start.replayed(), start.lastOffsets());
                    }
                    save(checkpoint.at(start));
                    Replayer replayer = new Replayer(store, producer, settings, checkpoint.kafkaId(), keep, start,
                            position -> save(checkpoint.at(position)));
                    progress.accept(replayer);
                    return replayer.run(plan);
                }
            } finally {
                if (checkpointFile.isEmpty()) {
                    forgetPosition(admin, checkpoint.kafkaId());
                }
            }
        }
    }

    /**
     * A replay without a checkpoint file can never be resumed, so the consumer group that held its
     * position is deleted rather than left for the broker to expire a week later.
     */
    private static void forgetPosition(Admin admin, String group) {
        try {
            admin.deleteConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                LOG.warn("Could not delete the replay's consumer group {}: {}", group, e.getCause().toString());
            }
        } catch (TimeoutException e) {
            LOG.warn("Could not delete the replay's consumer group {} within 30 s", group);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Optional<ReplayCheckpoint> checkpoint() throws IOException {
        if (checkpointFile.isEmpty()) {
            return Optional.empty();
        }
        Optional<ReplayCheckpoint> loaded = ReplayCheckpoint.load(checkpointFile.get());
        if (loaded.isPresent()) {
            Optional<String> mismatch = loaded.get().mismatch(from, settings);
            if (mismatch.isPresent()) {
                throw new IllegalArgumentException("--checkpoint " + checkpointFile.get() + " cannot resume this replay: " + mismatch.get());
            }
        }
        return loaded;
    }

    private void save(ReplayCheckpoint checkpoint) {
        if (checkpointFile.isPresent()) {
            try {
                checkpoint.save(checkpointFile.get());
            } catch (IOException e) {
                throw new UncheckedIOException("writing --checkpoint " + checkpointFile.get(), e);
            }
        }
    }

    /** Per source topic, whether records keep their archived partition; the targets must exist. */
    private Map<String, Boolean> partitioning(Admin admin, ReplayPlan plan) throws ExecutionException, InterruptedException {
        Set<String> wanted = new HashSet<>(settings.topics());
        settings.topics().forEach(topic -> wanted.add(settings.target(topic)));
        Set<String> existing = new TopicAdmin(admin).existing(wanted);
        for (String topic : settings.topics()) {
            if (!existing.contains(settings.target(topic))) {
                throw new IllegalArgumentException("the target topic " + settings.target(topic)
                        + " does not exist: create it first (linktally topics creates the contract's topics)");
            }
        }
        Map<String, TopicDescription> described = admin.describeTopics(existing).allTopicNames().get();
        Map<String, Integer> seen = plan.partitionsSeen();
        Map<String, Boolean> keep = new HashMap<>();
        for (String topic : settings.topics()) {
            int target = described.get(settings.target(topic)).partitions().size();
            // The source topic's own count if it still exists, else as many as the archive shows.
            int source = described.containsKey(topic) ? described.get(topic).partitions().size() : seen.getOrDefault(topic, 0);
            boolean keepThis = switch (settings.partitioning()) {
                case KEEP -> true;
                case KEY -> false;
                case AUTO -> source == target;
            };
            if (keepThis && seen.getOrDefault(topic, 0) > target) {
                throw new IllegalArgumentException("--partitioning keep: the archive of " + topic + " has " + seen.get(topic)
                        + " partitions but " + settings.target(topic) + " has " + target);
            }
            LOG.info("Replaying {} to {}: {}", topic, settings.target(topic),
                    keepThis ? "each record to its archived partition" : "partitioned by key (" + source + " source, " + target + " target partitions)");
            keep.put(topic, keepThis);
        }
        return keep;
    }

    public List<String> topics() {
        return settings.topics();
    }

    @Override
    public void close() {
        store.close();
    }
}
