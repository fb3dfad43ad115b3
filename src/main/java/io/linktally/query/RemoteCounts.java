package io.linktally.query;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linktally.topology.LinkCounts;
import io.linktally.topology.TopMetric;
import io.linktally.topology.TopWindow;
import io.linktally.topology.TopologyNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Asks another instance for counts, bucket reads and top lists from its own stores, over one
 * pooled HTTP client. The other instance answers locally or refuses; it never forwards again, so a
 * lookup takes one hop at most.
 *
 * <p>A peer that could not be reached (refused, reset, timed out) is remembered as down for a
 * second, for every kind of lookup: while an instance is dead, each lookup would otherwise wait
 * out the forward timeout on it before asking a standby copy.
 */
public final class RemoteCounts {
    public static final String PATH = "/internal/v1/counts";
    public static final String BUCKETS_PATH = "/internal/v1/buckets";
    public static final String TOP_PATH = "/internal/v1/top";
    public static final int MAX_TOP_LIMIT = 1000;
    private static final Set<String> BUCKET_STORES = Set.of(TopologyNames.HOURLY_SERIES_STORE, TopologyNames.DAILY_SERIES_STORE,
            TopologyNames.BREAKDOWN_STORE);
    /** Bucket answers travel as records; derived getters such as {@code LinkCounts.isZero} are written and ignored on reading. */
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    static final Duration PEER_DOWN = Duration.ofSeconds(1);

    private final HttpClient http;
    private final Duration timeout;
    private final Clock clock;
    private final Map<HostInfo, Long> downUntil = new ConcurrentHashMap<>();

    public RemoteCounts(Duration timeout) {
        this(timeout, Clock.systemUTC());
    }

    RemoteCounts(Duration timeout, Clock clock) {
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
        this.timeout = timeout;
        this.clock = clock;
    }

    /** True while a peer that could not be reached is left alone. */
    boolean recentlyDown(HostInfo host) {
        Long until = downUntil.get(host);
        if (until == null) {
            return false;
        }
        if (until > clock.millis()) {
            return true;
        }
        downUntil.remove(host, until);
        return false;
    }

    CompletableFuture<List<CountResult>> fetch(HostInfo host, List<String> canonicalUrls, boolean allowStandby) {
        return post(host, PATH, Map.of("urls", canonicalUrls, "allow_standby", allowStandby), body -> parse(body, canonicalUrls.size()));
    }

    CompletableFuture<BucketCounts> fetch(HostInfo host, WindowRange range, boolean allowStandby) {
        return post(host, BUCKETS_PATH, new BucketRequest(range, allowStandby), body -> read(body, BucketCounts.class));
    }

    CompletableFuture<TopLinksAnswer> fetchTop(HostInfo host, TopWindow window, TopMetric metric, int limit, Set<Integer> partitions,
                                               boolean allowStandby) {
        return post(host, TOP_PATH, new TopRequest(window, metric, limit, partitions, allowStandby), body -> read(body, TopLinksAnswer.class));
    }

    /** A forwarded top-links read, as the receiving instance reads it. */
    public record TopRequest(TopWindow window, TopMetric metric, int limit, Set<Integer> partitions,
                             @JsonProperty("allow_standby") boolean allowStandby) {
    }

    public static TopRequest topRequest(byte[] body) throws IOException {
        TopRequest request = JSON.readValue(body, TopRequest.class);
        if (request == null || request.window() == null || request.metric() == null || request.partitions() == null
                || request.limit() < 1 || request.limit() > MAX_TOP_LIMIT || request.partitions().stream().anyMatch(p -> p == null || p < 0)) {
            throw new IOException("window, metric, a limit from 1 to " + MAX_TOP_LIMIT + " and partitions are required");
        }
        return request;
    }

    public static byte[] answerBytes(Object answer) {
        try {
            return JSON.writeValueAsBytes(answer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private <T> CompletableFuture<T> post(HostInfo host, String path, Object body, Function<byte[], T> reader) {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create("http://" + host.host() + ":" + host.port() + path))
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).whenComplete((response, failure) -> {
            if (failure != null && unreachable(failure)) {
                downUntil.put(host, clock.millis() + PEER_DOWN.toMillis());
            }
        }).thenApply(response -> {
            if (response.statusCode() != 200) {
                throw new StoreUnavailableException(host.host() + ":" + host.port() + " answered " + response.statusCode());
            }
            return reader.apply(response.body());
        });
    }

    private static boolean unreachable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    private static <T> T read(byte[] body, Class<T> type) {
        try {
            return JSON.readValue(body, type);
        } catch (IOException e) {
            throw new StoreUnavailableException("a peer's answer was not readable: " + e.getMessage(), e);
        }
    }

    /** A forwarded {@link #fetch(HostInfo, WindowRange, boolean)}, as the receiving instance reads it. */
    public record BucketRequest(WindowRange range, @JsonProperty("allow_standby") boolean allowStandby) {
    }

    public static BucketRequest bucketRequest(byte[] body) throws IOException {
        BucketRequest request = JSON.readValue(body, BucketRequest.class);
        if (request == null || request.range() == null) {
            throw new IOException("no range");
        }
        if (!BUCKET_STORES.contains(request.range().store())) {
            throw new IOException("no bucket store " + request.range().store());
        }
        return request;
    }



    /** The wire form of {@link #fetch}'s answer, written by the receiving instance. */
    public static Map<String, Object> answer(List<CountResult> results) {
        List<Map<String, Long>> counts = new ArrayList<>(results.size());
        for (CountResult result : results) {
            counts.add(Map.of("shares", result.counts().shares(), "clicks", result.counts().clicks(),
                    "bot_clicks", result.counts().botClicks(), "standby_lag", result.fromStandby() ? result.standbyLag() : -1L));
        }
        return Map.of("counts", counts);
    }

    private static List<CountResult> parse(byte[] body, int expected) {
        try {
            JsonNode counts = JSON.readTree(body).get("counts");
            if (counts == null || counts.size() != expected) {
                throw new StoreUnavailableException("a peer answered " + (counts == null ? 0 : counts.size()) + " counts for " + expected + " URLs");
            }
            List<CountResult> results = new ArrayList<>(expected);
            for (JsonNode count : counts) {
                LinkCounts value = new LinkCounts(count.get("shares").asLong(), count.get("clicks").asLong(),
                        count.path("bot_clicks").asLong(0));
                long lag = count.get("standby_lag").asLong();
                results.add(lag < 0 ? CountResult.active(value) : CountResult.standby(value, lag));
            }
            return results;
        } catch (IOException e) {
            throw new StoreUnavailableException("a peer's answer was not readable: " + e.getMessage(), e);
        }
    }
}
