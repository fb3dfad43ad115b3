package io.linktally.query;

import io.linktally.topology.TopKeys;
import io.linktally.topology.TopMetric;
import io.linktally.topology.TopWindow;
import io.linktally.topology.TopologyNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Top links over every partition. A URL lives in exactly one partition, so the top N of all URLs
 * is the top N of the partitions' own top N lists merged: each partition is asked of one holder
 * (its owner, or a standby copy that can vouch for itself while the owner is away), the holders
 * in parallel, and the answers merged here. A partition no copy can answer for is retried with
 * back-off until the query deadline; an answer never leaves a partition out.
 */
public final class TopLookup implements TopReads {
    private static final Comparator<TopLinksAnswer.Item> LARGEST_FIRST =
            Comparator.comparingLong(TopLinksAnswer.Item::count).reversed().thenComparing(TopLinksAnswer.Item::url);

    private final KafkaStreams streams;
    private final HostInfo self;
    private final PartitionOwners owners;
    private final LocalCopies copies;
    private final RemoteCounts remote;
    private final long maxStandbyLag;
    private final Duration queryTimeout;
    private final Clock clock = Clock.systemUTC();
    private final Counter forwarded;
    private final StoreHandles handles;

    public TopLookup(KafkaStreams streams, PartitionOwners owners, LocalCopies copies, HostInfo self, RemoteCounts remote, long maxStandbyLag, Duration queryTimeout,
                     MeterRegistry metrics) {
        this.streams = streams;
        this.self = self;
        this.owners = owners;
        this.handles = new StoreHandles(streams);
        this.copies = copies;
        this.remote = remote;
        this.maxStandbyLag = maxStandbyLag;
        this.queryTimeout = queryTimeout;
        this.forwarded = Counter.builder("linktally.top.reads.forwarded").description("Top-links reads asked of other instances")
                .register(metrics);
    }

    @Override
    public TopLinksAnswer top(TopWindow window, TopMetric metric, int limit) {
        Backoff backoff = new Backoff(clock, queryTimeout);
        Set<HostInfo> failed = new HashSet<>();
        Set<Integer> unreadyHere = new HashSet<>();
        while (true) {
            String reason;
            KeyQueryMetadata[] holders = owners.all();
            if (holders == null) {
                reason = "rebalancing: the owners of the partitions are not known yet (state " + streams.state() + ")";
            } else {
                Plan plan = plan(holders, failed, unreadyHere);
                reason = plan.reason;
                if (reason == null) {
                    Attempt attempt = ask(plan, window, metric, limit, failed, unreadyHere);
                    if (attempt.answer != null) {
                        return attempt.answer;
                    }
                    reason = attempt.reason;
                }
            }
            if (!backoff.pause()) {
                throw new StoreUnavailableException(reason);
            }
        }
    }

    @Override
    public TopLinksAnswer localTop(TopWindow window, TopMetric metric, int limit, Set<Integer> partitions, boolean allowStandby) {
        KeyQueryMetadata[] holders = owners.all();
        if (holders != null && partitions.stream().anyMatch(partition -> partition >= holders.length)) {
            throw new IllegalArgumentException("partitions are 0 to " + (holders.length - 1) + ", asked for " + partitions);
        }
        List<TopLinksAnswer.Item> items = new ArrayList<>();
        long lag = -1;
        for (int partition : partitions) {
            List<TopLinksAnswer.Item> found = read(partition, false, window, metric, limit);
            if (found == null && allowStandby) {
                long copyLag = copies.vouchedLag(TopologyNames.TOP_STORE, partition);
                if (copyLag >= 0 && copyLag <= maxStandbyLag) {
                    found = read(partition, true, window, metric, limit);
                    lag = Math.max(lag, copyLag);
                }
            }
            if (found == null) {
                throw new StoreUnavailableException("partition " + partition + " of " + TopologyNames.TOP_STORE
                        + " is not held here in a state that can answer");
            }
            items.addAll(found);
        }
        return merged(List.of(new TopLinksAnswer(items, lag < 0 ? CountResult.Source.ACTIVE : CountResult.Source.STANDBY, Math.max(lag, 0))),
                limit);
    }

    /**
     * Which holder to ask for each partition: the owner, unless it just failed or is this instance
     * still restoring it, else a standby copy; this instance again if it owns the partition and no
     * standby can stand in.
     */
    private record Plan(Map<HostInfo, Set<Integer>> byHost, Set<HostInfo> standbyHosts, String reason) {
    }

    private Plan plan(KeyQueryMetadata[] holders, Set<HostInfo> failed, Set<Integer> unreadyHere) {
        Map<HostInfo, Set<Integer>> byHost = new LinkedHashMap<>();
        Set<HostInfo> standbyHosts = new HashSet<>();
        for (int partition = 0; partition < holders.length; partition++) {
            HostInfo active = holders[partition].activeHost();
            boolean unreadyActiveHere = active.equals(self) && unreadyHere.contains(partition);
            if (!active.equals(HostInfo.unavailable()) && !unusable(active, failed) && !unreadyActiveHere) {
                byHost.computeIfAbsent(active, h -> new TreeSet<>()).add(partition);
                continue;
            }
            HostInfo standby = holders[partition].standbyHosts().stream().filter(host -> !unusable(host, failed)).findFirst().orElse(null);
            if (standby == null && unreadyActiveHere) {
                byHost.computeIfAbsent(self, h -> new TreeSet<>()).add(partition);
                continue;
            }
            if (standby == null) {
                return new Plan(null, null, "no copy of partition " + partition + " can answer now (its owner is away or restoring)");
            }
            byHost.computeIfAbsent(standby, h -> new TreeSet<>()).add(partition);
            standbyHosts.add(standby);
        }
        return new Plan(byHost, standbyHosts, null);
    }

    private boolean unusable(HostInfo host, Set<HostInfo> failed) {
        return failed.contains(host) || (!host.equals(self) && remote.recentlyDown(host));
    }

    private record Attempt(TopLinksAnswer answer, String reason) {
    }

    private Attempt ask(Plan plan, TopWindow window, TopMetric metric, int limit, Set<HostInfo> failed, Set<Integer> unreadyHere) {
        Map<HostInfo, RemoteCounts.Ask<TopLinksAnswer>> calls = new LinkedHashMap<>();
        for (Map.Entry<HostInfo, Set<Integer>> entry : plan.byHost.entrySet()) {
            HostInfo host = entry.getKey();
            if (!host.equals(self)) {
                boolean standby = plan.standbyHosts.contains(host);
                forwarded.increment();
                calls.put(host, () -> remote.top(host, window, metric, limit, entry.getValue(), standby));
            }
        }
        Set<Integer> here = plan.byHost.get(self);
        if (here != null) {
            // Last, so that it runs on this thread while the peers are asked.
            boolean standby = plan.standbyHosts.contains(self);
            calls.put(self, () -> topHere(window, metric, limit, here, standby, unreadyHere));
        }
        Map<HostInfo, CompletableFuture<TopLinksAnswer>> answers = remote.askAll(calls);
        List<TopLinksAnswer> parts = new ArrayList<>();
        String reason = null;
        for (Map.Entry<HostInfo, CompletableFuture<TopLinksAnswer>> answer : answers.entrySet()) {
            try {
                parts.add(answer.getValue().get());
            } catch (ExecutionException e) {
                HostInfo host = answer.getKey();
                reason = (host.equals(self) ? "this instance" : "peer " + host.host() + ":" + host.port()) + " could not answer: "
                        + e.getCause().getMessage();
                if (!host.equals(self)) {
                    failed.add(host);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreUnavailableException("interrupted", e);
            }
        }
        return reason != null ? new Attempt(null, reason) : new Attempt(merged(parts, limit), null);
    }

    /** Partition by partition, so that one still restoring here is asked of a standby next time. */
    private TopLinksAnswer topHere(TopWindow window, TopMetric metric, int limit, Set<Integer> partitions, boolean standby,
                                   Set<Integer> unreadyHere) {
        List<TopLinksAnswer> mine = new ArrayList<>();
        StoreUnavailableException failure = null;
        for (int partition : partitions) {
            try {
                mine.add(localTop(window, metric, limit, Set.of(partition), standby));
                unreadyHere.remove(partition);
            } catch (StoreUnavailableException e) {
                failure = e;
                unreadyHere.add(partition);
            }
        }
        if (failure != null) {
            throw failure;
        }
        return merged(mine, limit);
    }

    private static TopLinksAnswer merged(List<TopLinksAnswer> parts, int limit) {
        List<TopLinksAnswer.Item> items = new ArrayList<>();
        long lag = -1;
        for (TopLinksAnswer part : parts) {
            items.addAll(part.items());
            if (part.fromStandby()) {
                lag = Math.max(lag, part.standbyLag());
            }
        }
        items.sort(LARGEST_FIRST);
        List<TopLinksAnswer.Item> top = List.copyOf(items.subList(0, Math.min(limit, items.size())));
        return lag < 0 ? new TopLinksAnswer(top, CountResult.Source.ACTIVE, 0) : new TopLinksAnswer(top, CountResult.Source.STANDBY, lag);
    }

    /** The partition's first {@code limit} index entries, or null if this instance cannot read that copy now. */
    private List<TopLinksAnswer.Item> read(int partition, boolean stale, TopWindow window, TopMetric metric, int limit) {
        try {
            List<TopLinksAnswer.Item> items = new ArrayList<>();
            try (KeyValueIterator<Bytes, byte[]> index = store(partition, stale)
                    .prefixScan(TopKeys.indexPrefix(window, metric), Serdes.Bytes().serializer())) {
                while (index.hasNext() && items.size() < limit) {
                    Bytes key = index.next().key;
                    items.add(new TopLinksAnswer.Item(TopKeys.indexUrl(key), TopKeys.indexCount(key)));
                }
            }
            return items;
        } catch (InvalidStateStoreException e) {
            return null;
        }
    }

    private ReadOnlyKeyValueStore<Bytes, byte[]> store(int partition, boolean stale) {
        return handles.get(TopologyNames.TOP_STORE, QueryableStoreTypes.<Bytes, byte[]>keyValueStore(), partition, stale);
    }
}
