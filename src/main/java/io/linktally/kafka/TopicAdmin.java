package io.linktally.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the topics that are missing and reports those whose partitions or configs differ. */
public final class TopicAdmin {
    private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);
    private static final long TIMEOUT_SECONDS = 60;

    private final Admin admin;

    public TopicAdmin(Admin admin) {
        this.admin = admin;
    }

    public record Report(List<String> created, List<String> unchanged, List<String> differences) {
    }

    public Report ensure(List<TopicDefinition> definitions) {
        try {
            int brokers = admin.describeCluster().nodes().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).size();
            Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<String> created = new ArrayList<>();
            List<String> unchanged = new ArrayList<>();
            List<String> differences = new ArrayList<>();
            for (TopicDefinition definition : definitions) {
                if (existing.contains(definition.name())) {
                    List<String> found = compare(definition, brokers);
                    if (found.isEmpty()) {
                        unchanged.add(definition.name());
                    }
                    differences.addAll(found);
                } else if (create(definition, brokers)) {
                    created.add(definition.name());
                } else {
                    unchanged.add(definition.name());
                }
            }
            if (!created.isEmpty()) {
                awaitServing(created, Duration.ofSeconds(TIMEOUT_SECONDS));
            }
            return new Report(created, unchanged, differences);
        } catch (ExecutionException e) {
            throw new IllegalStateException("topic administration failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the Kafka cluster did not answer within " + TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Which of the topics exist. */
    public Set<String> existing(Collection<String> topics) {
        try {
            Set<String> existing = new HashSet<>(admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            existing.retainAll(topics);
            return existing;
        } catch (ExecutionException e) {
            throw new IllegalStateException("listing topics failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the Kafka cluster did not answer within " + TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Waits until every partition of the topics has a leader that serves it. A new topic is in the
     * metadata before its leaders take it up; a producer that starts in between meets
     * NOT_LEADER_OR_FOLLOWER on its first batches, and an idempotent one can then retry
     * OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout.
     */
    public void awaitServing(Collection<String> topics, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String waitingFor = "leaders";
        while (true) {
            try {
                Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
                boolean led = true;
                for (TopicDescription topic : admin.describeTopics(topics).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).values()) {
                    for (TopicPartitionInfo partition : topic.partitions()) {
                        led &= partition.leader() != null && !partition.leader().isEmpty();
                        partitions.put(new TopicPartition(topic.name(), partition.partition()), OffsetSpec.latest());
                    }
                }
                if (led) {
                    // Answered by each partition's leader itself, so it has taken the partition up.
                    admin.listOffsets(partitions).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException)) {
                    throw new IllegalStateException("waiting for the leaders of " + topics + " failed: " + e.getCause().getMessage(), e.getCause());
                }
                waitingFor = e.getCause().getMessage();
            } catch (TimeoutException e) {
                waitingFor = "an answer from the cluster";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the partitions of " + topics + " had no serving leaders within " + timeout.toSeconds()
                        + " s (" + waitingFor + ")");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    /** A development cluster may have fewer brokers than production files ask replicas for. */
    static short effectiveReplication(TopicDefinition definition, int brokers) {
        return (short) Math.max(1, Math.min(definition.replicationFactor(), brokers));
    }

    static Map<String, String> effectiveConfigs(TopicDefinition definition, int brokers) {
        Map<String, String> configs = new HashMap<>(definition.configs());
        String minIsr = configs.get("min.insync.replicas");
        short replication = effectiveReplication(definition, brokers);
        if (minIsr != null && Integer.parseInt(minIsr) > replication) {
            configs.put("min.insync.replicas", Short.toString(replication));
        }
        return configs;
    }

    private boolean create(TopicDefinition definition, int brokers) throws ExecutionException, InterruptedException, TimeoutException {
        short replication = effectiveReplication(definition, brokers);
        if (replication < definition.replicationFactor()) {
            LOG.info("The cluster has {} broker(s): creating {} with replication factor {} instead of {}",
                    brokers, definition.name(), replication, definition.replicationFactor());
        }
        NewTopic topic = new NewTopic(definition.name(), definition.partitions(), replication)
                .configs(effectiveConfigs(definition, brokers));
        try {
            admin.createTopics(List.of(topic)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            LOG.info("Created topic {} ({} partitions, replication factor {})", definition.name(), definition.partitions(), replication);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false;
            }
            throw e;
        }
    }

    private List<String> compare(TopicDefinition definition, int brokers) throws ExecutionException, InterruptedException, TimeoutException {
        List<String> differences = new ArrayList<>();
        TopicDescription description = admin.describeTopics(List.of(definition.name()))
                .allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(definition.name());
        int partitions = description.partitions().size();
        if (partitions != definition.partitions()) {
            differences.add(definition.name() + ": partitions " + partitions + ", file says " + definition.partitions());
        }
        int replicas = description.partitions().get(0).replicas().size();
        if (replicas != effectiveReplication(definition, brokers)) {
            differences.add(definition.name() + ": replication factor " + replicas + ", file says " + definition.replicationFactor());
        }
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, definition.name());
        Config actual = admin.describeConfigs(List.of(resource)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(resource);
        effectiveConfigs(definition, brokers).forEach((key, expected) -> {
            ConfigEntry entry = actual.get(key);
            String value = entry == null ? null : entry.value();
            if (!expected.equals(value)) {
                differences.add(definition.name() + ": " + key + "=" + value + ", file says " + expected);
            }
        });
        return differences;
    }
}
