package io.linktally.query;

import io.linktally.topology.BucketSettings;
import io.linktally.topology.LinkCounts;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Reads of one URL's bucket stores (time series and breakdowns), wherever the URL lives, by the
 * rules count lookups follow: the owner answers, here or one hop away; while it is away or
 * restoring, a copy that has caught up and lags within the bound answers, and says so; during a
 * rebalance the read retries with back-off until its deadline, then gives up rather than answer
 * from a copy it cannot vouch for.
 */
public final class BucketLookup implements BucketReads {
    private final KafkaStreams streams;
    private final HostInfo self;
    private final PartitionOwners owners;
    private final LocalCopies copies;
    private final RemoteCounts remote;
    private final long maxStandbyLag;
    private final Duration queryTimeout;
    private final Clock clock;
    private final Counter forwarded;
    private final Counter standbyAnswers;
    private final StoreHandles handles;
    private final BucketSettings settings;

    public BucketLookup(KafkaStreams streams, BucketSettings settings, PartitionOwners owners, LocalCopies copies, HostInfo self, RemoteCounts remote,
                        long maxStandbyLag, Duration queryTimeout, MeterRegistry metrics) {
        this.streams = streams;
        this.settings = settings;
        this.self = self;
        this.owners = owners;
        this.handles = new StoreHandles(streams);
        this.copies = copies;
        this.remote = remote;
        this.maxStandbyLag = maxStandbyLag;
        this.queryTimeout = queryTimeout;
        this.clock = Clock.systemUTC();
        this.forwarded = Counter.builder("linktally.bucket.reads.forwarded").description("Series and breakdown reads asked of the owning instance")
                .register(metrics);
        this.standbyAnswers = Counter.builder("linktally.bucket.reads.standby").description("Series and breakdown reads answered by a standby copy")
                .register(metrics);
    }

    @Override
    public BucketSettings settings() {
        return settings;
    }

    @Override
    public BucketCounts read(WindowRange range) {
        Backoff backoff = new Backoff(clock, queryTimeout);
        while (true) {
            Attempt attempt = attempt(range);
            if (attempt.answer != null) {
                if (attempt.answer.fromStandby()) {
                    standbyAnswers.increment();
                }
                return attempt.answer;
            }
            if (!backoff.pause()) {
                throw new StoreUnavailableException(attempt.reason);
            }
        }
    }

    @Override
    public BucketCounts readLocal(WindowRange range, boolean allowStandby) {
        KeyQueryMetadata owner = owners.of(range.url());
        if (owner == null) {
            throw new StoreUnavailableException("rebalancing: the owner of the URL is not known yet");
        }
        Optional<BucketCounts> answer = active(range, owner.partition());
        if (answer.isEmpty() && allowStandby) {
            answer = standby(range, owner.partition());
        }
        return answer.orElseThrow(() -> new StoreUnavailableException(
                "partition " + owner.partition() + " of " + range.store() + " is not held here in a state that can answer"));
    }

    private record Attempt(BucketCounts answer, String reason) {
    }

    private Attempt attempt(WindowRange range) {
        KeyQueryMetadata owner = owners.of(range.url());
        if (owner == null) {
            return new Attempt(null, "rebalancing: the owner of the URL is not known yet (state " + streams.state() + ")");
        }
        String reason = "no copy of partition " + owner.partition() + " can answer now (its owner is away or restoring)";
        HostInfo active = owner.activeHost();
        if (active.equals(self)) {
            Optional<BucketCounts> here = active(range, owner.partition());
            if (here.isPresent()) {
                return new Attempt(here.get(), null);
            }
        } else if (!active.equals(HostInfo.unavailable()) && !remote.recentlyDown(active)) {
            try {
                forwarded.increment();
                return new Attempt(remote.buckets(active, range, false), null);
            } catch (IOException | StoreUnavailableException e) {
                reason = "peer " + active.host() + ":" + active.port() + " could not answer: " + e.getMessage();
            }
        }
        if (owner.standbyHosts().contains(self)) {
            Optional<BucketCounts> here = standby(range, owner.partition());
            if (here.isPresent()) {
                return new Attempt(here.get(), null);
            }
        }
        for (HostInfo standby : owner.standbyHosts()) {
            if (standby.equals(self) || remote.recentlyDown(standby)) {
                continue;
            }
            try {
                forwarded.increment();
                return new Attempt(remote.buckets(standby, range, true), null);
            } catch (IOException | StoreUnavailableException e) {
                reason = "standby " + standby.host() + ":" + standby.port() + " could not answer: " + e.getMessage();
            }
        }
        return new Attempt(null, reason);
    }

    private Optional<BucketCounts> active(WindowRange range, int partition) {
        try {
            return Optional.of(sum(store(range.store(), partition, false), range, CountResult.Source.ACTIVE, 0));
        } catch (InvalidStateStoreException e) {
            return Optional.empty();
        }
    }

    private Optional<BucketCounts> standby(WindowRange range, int partition) {
        long lag = copies.vouchedLag(range.store(), partition);
        if (lag < 0 || lag > maxStandbyLag) {
            return Optional.empty();
        }
        try {
            return Optional.of(sum(store(range.store(), partition, true), range, CountResult.Source.STANDBY, lag));
        } catch (InvalidStateStoreException e) {
            return Optional.empty();
        }
    }

    private static BucketCounts sum(ReadOnlyWindowStore<String, LinkCounts> store, WindowRange range, CountResult.Source source, long lag) {
        Instant from = Instant.ofEpochMilli(range.from());
        Instant to = Instant.ofEpochMilli(range.to());
        List<BucketCounts.Entry> entries = new ArrayList<>();
        if (range.sumBy() == WindowRange.SumBy.START && range.keyFrom().equals(range.keyTo())) {
            try (WindowStoreIterator<LinkCounts> buckets = store.fetch(range.keyFrom(), from, to)) {
                while (buckets.hasNext()) {
                    KeyValue<Long, LinkCounts> bucket = buckets.next();
                    if (!bucket.value.isZero()) {
                        entries.add(new BucketCounts.Entry(range.keyFrom(), bucket.key, bucket.value));
                    }
                }
            }
            return new BucketCounts(entries, source, lag);
        }
        TreeMap<String, LinkCounts> byKey = new TreeMap<>();
        TreeMap<Long, LinkCounts> byStart = new TreeMap<>();
        try (KeyValueIterator<Windowed<String>, LinkCounts> buckets = store.fetch(range.keyFrom(), range.keyTo(), from, to)) {
            while (buckets.hasNext()) {
                KeyValue<Windowed<String>, LinkCounts> bucket = buckets.next();
                if (range.sumBy() == WindowRange.SumBy.KEY) {
                    byKey.merge(bucket.key.key(), bucket.value, LinkCounts::plus);
                } else {
                    byStart.merge(bucket.key.window().start(), bucket.value, LinkCounts::plus);
                }
            }
        }
        byKey.forEach((key, counts) -> entries.add(new BucketCounts.Entry(key, range.from(), counts)));
        byStart.forEach((start, counts) -> entries.add(new BucketCounts.Entry(range.keyFrom(), start, counts)));
        entries.removeIf(entry -> entry.counts().isZero());
        return new BucketCounts(entries, source, lag);
    }

    private ReadOnlyWindowStore<String, LinkCounts> store(String name, int partition, boolean stale) {
        return handles.get(name, QueryableStoreTypes.<String, LinkCounts>windowStore(), partition, stale);
    }
}
