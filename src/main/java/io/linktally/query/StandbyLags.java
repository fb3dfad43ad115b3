package io.linktally.query;

import io.linktally.topology.TopologyNames;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.LagInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far this instance's copies of the count store are behind their changelogs. Asking Kafka
 * Streams costs a round trip to the brokers, so the answer is kept for a short while and shared
 * by every lookup in that time.
 */
final class StandbyLags {
    private static final Logger LOG = LoggerFactory.getLogger(StandbyLags.class);

    private final KafkaStreams streams;
    private final Clock clock;
    private final long refreshMs;
    private volatile Map<Integer, LagInfo> lags = Map.of();
    private volatile boolean fresh;
    private volatile long refreshedAt;

    StandbyLags(KafkaStreams streams, Clock clock, Duration refresh) {
        this.streams = streams;
        this.clock = clock;
        this.refreshMs = refresh.toMillis();
    }

    /** The offset lag of this instance's copy of the partition, or -1 if it holds none or cannot tell. */
    long lag(int partition) {
        refreshIfOld();
        LagInfo info = lags.get(partition);
        return info == null ? -1 : info.offsetLag();
    }

    /** Over every copy of the count store held here: what a restoring or lagging instance still has to read. */
    long totalLag() {
        refreshIfOld();
        return lags.values().stream().mapToLong(LagInfo::offsetLag).sum();
    }

    private boolean isFresh() {
        return fresh && clock.millis() - refreshedAt < refreshMs;
    }

    private void refreshIfOld() {
        if (isFresh()) {
            return;
        }
        synchronized (this) {
            if (isFresh()) {
                return;
            }
            try {
                lags = Map.copyOf(streams.allLocalStorePartitionLags().getOrDefault(TopologyNames.COUNTS_STORE, Map.of()));
            } catch (RuntimeException e) {
                LOG.debug("Store lags unknown for now: {}", e.getMessage());
                lags = Map.of();
            }
            refreshedAt = clock.millis();
            fresh = true;
        }
    }
}
