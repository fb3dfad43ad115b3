package io.linktally.query;

import io.linktally.topology.ActiveCountStores;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Any instance answers for any URL. A URL held here is read here; one held elsewhere is asked of
 * its owner, a batch grouped by owner and the owners asked in parallel. While an owner is away or
 * restoring, a standby copy within the lag bound answers instead. During a rebalance the lookup
 * retries with back-off until its deadline; it never answers from a copy it cannot vouch for.
 */
public final class RoutedCountLookup implements CountLookup {
    private static final Logger LOG = LoggerFactory.getLogger(RoutedCountLookup.class);

    private final KafkaStreams streams;
    private final HostInfo self;
    private final LocalStores local;
    private final PartitionOwners owners;
    private final RemoteCounts remote;
    private final Duration queryTimeout;
    private final Clock clock;

    private final Counter forwarded;
    private final Counter standbyAnswers;
    private final Counter unavailable;

    public RoutedCountLookup(KafkaStreams streams, ActiveCountStores running, PartitionOwners owners, LocalCopies copies, HostInfo self, RemoteCounts remote,
                             long maxStandbyLag, Duration queryTimeout, MeterRegistry metrics) {
        this(streams, running, owners, copies, self, remote, maxStandbyLag, queryTimeout, metrics, Clock.systemUTC());
    }

    RoutedCountLookup(KafkaStreams streams, ActiveCountStores running, PartitionOwners owners, LocalCopies copies, HostInfo self, RemoteCounts remote,
                      long maxStandbyLag, Duration queryTimeout, MeterRegistry metrics, Clock clock) {
        this.streams = streams;
        this.self = self;
        this.owners = owners;
        Gauge.builder("linktally.store.lag", copies, LocalCopies::totalLag).baseUnit("records")
                .description("Changelog records this instance's copies of the count store are behind, active and standby")
                .register(metrics);
        this.local = new LocalStores(streams, running, copies, maxStandbyLag);
        this.forwarded = Counter.builder("linktally.lookups.forwarded").description("URLs asked of the instance that owns them")
                .register(metrics);
        this.standbyAnswers = Counter.builder("linktally.lookups.standby").description("URLs answered from a standby copy")
                .register(metrics);
        this.unavailable = Counter.builder("linktally.lookups.unavailable")
                .description("Lookups answered 503: no copy could vouch for a URL before the deadline").register(metrics);
        this.remote = remote;
        this.queryTimeout = queryTimeout;
        this.clock = clock;
    }

    @Override
    public List<CountResult> counts(List<String> urls) {
        Backoff backoff = new Backoff(clock, queryTimeout);
        CountResult[] results = new CountResult[urls.size()];
        Set<HostInfo> unreachable = new HashSet<>();
        while (true) {
            String reason = attempt(urls, results, unreachable);
            if (reason == null) {
                for (CountResult result : results) {
                    if (result.fromStandby()) {
                        standbyAnswers.increment();
                    }
                }
                return Arrays.asList(results);
            }
            if (!backoff.pause()) {
                unavailable.increment();
                throw new StoreUnavailableException(reason);
            }
        }
    }

    @Override
    public List<CountResult> localCounts(List<String> urls, boolean allowStandby) {
        List<CountResult> results = new ArrayList<>(urls.size());
        for (String url : urls) {
            KeyQueryMetadata owner = owner(url);
            if (owner == null) {
                throw new StoreUnavailableException("rebalancing: the owner of " + url + " is not known yet");
            }
            Optional<CountResult> result = local.active(owner.partition(), url);
            if (result.isEmpty() && allowStandby) {
                result = local.standby(owner.partition(), url);
            }
            results.add(result.orElseThrow(() -> new StoreUnavailableException(
                    "partition " + owner.partition() + " is not held here in a state that can answer")));
        }
        return results;
    }

    /** Fills what it can; returns null when every URL is answered, else why one is not. */
    private String attempt(List<String> urls, CountResult[] results, Set<HostInfo> unreachable) {
        String reason = null;
        Map<Target, List<Integer>> remoteAsks = new LinkedHashMap<>();
        for (int i = 0; i < urls.size(); i++) {
            if (results[i] != null) {
                continue;
            }
            String url = urls.get(i);
            KeyQueryMetadata owner = owner(url);
            if (owner == null) {
                reason = "rebalancing: the owner of the URL is not known yet (state " + streams.state() + ")";
                continue;
            }
            HostInfo active = owner.activeHost();
            boolean activeUsable = !active.equals(HostInfo.unavailable()) && !unreachable.contains(active) && !remote.recentlyDown(active);
            if (active.equals(self)) {
                Optional<CountResult> here = local.active(owner.partition(), url);
                if (here.isPresent()) {
                    results[i] = here.get();
                    continue;
                }
                activeUsable = false;
            } else if (activeUsable) {
                remoteAsks.computeIfAbsent(new Target(active, false), t -> new ArrayList<>()).add(i);
                continue;
            }
            Optional<CountResult> standbyHere = owner.standbyHosts().contains(self) ? local.standby(owner.partition(), url) : Optional.empty();
            LOG.trace("Partition {}: active {} unusable; standbys {}; standby here: {}", owner.partition(), active, owner.standbyHosts(), standbyHere);
            if (standbyHere.isPresent()) {
                results[i] = standbyHere.get();
                continue;
            }
            Optional<HostInfo> standby = owner.standbyHosts().stream()
                    .filter(host -> !host.equals(self) && !unreachable.contains(host) && !remote.recentlyDown(host)).findFirst();
            if (standby.isPresent()) {
                remoteAsks.computeIfAbsent(new Target(standby.get(), true), t -> new ArrayList<>()).add(i);
            } else {
                reason = "no copy of partition " + owner.partition() + " can answer now (its owner is away or restoring)";
            }
        }
        String remoteReason = askInParallel(urls, results, remoteAsks, unreachable);
        return remoteReason != null ? remoteReason : reason;
    }

    private String askInParallel(List<String> urls, CountResult[] results, Map<Target, List<Integer>> asks, Set<HostInfo> unreachable) {
        Map<Target, RemoteCounts.Ask<List<CountResult>>> calls = new LinkedHashMap<>();
        asks.forEach((target, indices) -> {
            forwarded.increment(indices.size());
            List<String> theirs = indices.stream().map(urls::get).toList();
            calls.put(target, () -> remote.counts(target.host(), theirs, target.standby()));
        });
        Map<Target, CompletableFuture<List<CountResult>>> answers = remote.askAll(calls);
        String reason = null;
        for (Map.Entry<Target, CompletableFuture<List<CountResult>>> answer : answers.entrySet()) {
            List<Integer> indices = asks.get(answer.getKey());
            try {
                List<CountResult> counts = answer.getValue().get();
                for (int k = 0; k < indices.size(); k++) {
                    results[indices.get(k)] = counts.get(k);
                }
            } catch (ExecutionException e) {
                HostInfo host = answer.getKey().host();
                reason = "peer " + host.host() + ":" + host.port() + " could not answer: " + e.getCause().getMessage();
                LOG.debug("{}", reason);
                unreachable.add(host);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreUnavailableException("interrupted", e);
            }
        }
        return reason;
    }

    private KeyQueryMetadata owner(String url) {
        return owners.of(url);
    }

    private record Target(HostInfo host, boolean standby) {
    }
}
