package io.linktally.query;

import io.linktally.topology.TopologyNames;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.processor.StandbyUpdateListener;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.processor.TaskId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's copies of the stores lookups read, judged as a standby answer must judge them: how far
 * each is behind its changelog, and whether it has caught up since it last (re)started.
 *
 * <p>Lag alone cannot vouch for a copy. One restoring from scratch a changelog shorter than
 * {@code --max-standby-lag} is "within the bound" while it holds next to nothing, and under
 * exactly-once a crash wipes a copy and starts it again from scratch. So a copy vouches for its
 * counts only once it has read up to the changelog end it first saw after starting, and then while
 * its lag stays within the bound. Starting, promotion, migration, restoration and rebalances make
 * it cold again.
 *
 * <p>Measuring lag costs a round trip to the brokers, so it is measured at most once per refresh
 * period and shared by every lookup in that time; events that make a copy cold act at once.
 */
public final class LocalCopies implements StandbyUpdateListener, StateRestoreListener {
    private static final Logger LOG = LoggerFactory.getLogger(LocalCopies.class);
    /** A caught-up copy of a transactional changelog stops one offset short of its end: the commit marker. */
    static final long MARKER_SLACK = 1;

    /** The stores whose copies answer lookups; the dedup store answers none. */
    static final Set<String> STORES = Set.of(TopologyNames.COUNTS_STORE, TopologyNames.HOURLY_SERIES_STORE,
            TopologyNames.DAILY_SERIES_STORE, TopologyNames.BREAKDOWN_STORE, TopologyNames.TOP_STORE);

    /** One store's copy of one partition. */
    record Copy(String store, int partition) {
    }

    /** Where a copy has read to, and the changelog's end, as offsets. */
    record Lag(long position, long end) {
        long records() {
            return Math.max(0, end - position);
        }
    }

    /** A copy's progress since it last started: the end it must reach ({@code -1}: not seen yet), and whether it has. */
    private record Warmth(long target, boolean caughtUp) {
        static final Warmth COLD = new Warmth(-1, false);

        Warmth after(Lag lag) {
            if (caughtUp) {
                return this;
            }
            long reach = target < 0 ? lag.end() : target;
            return new Warmth(reach, lag.position() + MARKER_SLACK >= reach);
        }
    }

    private final Supplier<Map<Copy, Lag>> measure;
    private final Clock clock;
    private final long refreshMs;
    private final Object refreshing = new Object();
    /** Guards {@link #warmth}, {@link #lags} and {@link #resets}; held only briefly, since stream threads take it. */
    private final Object state = new Object();
    private final Map<Copy, Warmth> warmth = new HashMap<>();
    private Map<Copy, Lag> lags = Map.of();
    private long resets;
    /** Long ago at first, without overflowing the subtraction. */
    private volatile long refreshedAt = Long.MIN_VALUE / 2;

    public LocalCopies(KafkaStreams streams, Clock clock, Duration refresh) {
        this(() -> measure(streams), clock, refresh);
    }

    LocalCopies(Supplier<Map<Copy, Lag>> measure, Clock clock, Duration refresh) {
        this.measure = measure;
        this.clock = clock;
        this.refreshMs = refresh.toMillis();
    }

    private static Map<Copy, Lag> measure(KafkaStreams streams) {
        Map<Copy, Lag> lags = new HashMap<>();
        streams.allLocalStorePartitionLags().forEach((store, partitions) -> {
            if (STORES.contains(store)) {
                partitions.forEach((partition, info) ->
                        lags.put(new Copy(store, partition), new Lag(info.currentOffsetPosition(), info.endOffsetPosition())));
            }
        });
        return lags;
    }

    /** The lag, in changelog records, of this instance's copy of the store's partition if it can vouch for it; else -1. */
    public long vouchedLag(String store, int partition) {
        refreshIfOld();
        Copy copy = new Copy(store, partition);
        synchronized (state) {
            Lag lag = lags.get(copy);
            Warmth progress = warmth.get(copy);
            return lag != null && progress != null && progress.caughtUp() ? lag.records() : -1;
        }
    }

    /** Over every copy held here: what a restoring or lagging instance still has to read. */
    public long totalLag() {
        refreshIfOld();
        synchronized (state) {
            return lags.values().stream().mapToLong(Lag::records).sum();
        }
    }

    /** Kafka Streams' state changed: entering a rebalance, tasks may close and reopen, so every copy is cold. */
    public void onStateChange(KafkaStreams.State newState) {
        if (newState != KafkaStreams.State.RUNNING) {
            synchronized (state) {
                resets++;
                warmth.clear();
            }
        }
    }

    private void reset(TopicPartition changelog, String store, String why) {
        if (!STORES.contains(store)) {
            return;
        }
        synchronized (state) {
            resets++;
            warmth.put(new Copy(store, changelog.partition()), Warmth.COLD);
        }
        LOG.debug("Copy of {} partition {} is cold: {}", store, changelog.partition(), why);
    }

    private void refreshIfOld() {
        if (clock.millis() - refreshedAt < refreshMs) {
            return;
        }
        synchronized (refreshing) {
            if (clock.millis() - refreshedAt < refreshMs) {
                return;
            }
            long resetsBefore;
            synchronized (state) {
                resetsBefore = resets;
            }
            Map<Copy, Lag> measured;
            try {
                measured = measure.get();
            } catch (RuntimeException e) {
                LOG.debug("Store lags unknown for now: {}", e.getMessage());
                measured = Map.of();
            }
            synchronized (state) {
                lags = Map.copyOf(measured);
                warmth.keySet().retainAll(measured.keySet());
                // A copy made cold while the lags were measured may have been measured before it was wiped.
                if (resets == resetsBefore) {
                    measured.forEach((copy, lag) -> warmth.put(copy, warmth.getOrDefault(copy, Warmth.COLD).after(lag)));
                }
            }
            refreshedAt = clock.millis();
        }
    }

    @Override
    public void onUpdateStart(TopicPartition changelog, String store, long startingOffset) {
        reset(changelog, store, "standby starts at offset " + startingOffset);
    }

    @Override
    public void onBatchLoaded(TopicPartition changelog, String store, TaskId task, long batchEndOffset, long batchSize, long currentEndOffset) {
    }

    @Override
    public void onUpdateSuspended(TopicPartition changelog, String store, long storeOffset, long currentEndOffset, SuspendReason reason) {
        reset(changelog, store, "standby " + reason.name().toLowerCase());
    }

    @Override
    public void onRestoreStart(TopicPartition changelog, String store, long startingOffset, long endingOffset) {
        reset(changelog, store, "restoring from offset " + startingOffset);
    }

    @Override
    public void onBatchRestored(TopicPartition changelog, String store, long batchEndOffset, long numRestored) {
    }

    @Override
    public void onRestoreEnd(TopicPartition changelog, String store, long totalRestored) {
    }
}
