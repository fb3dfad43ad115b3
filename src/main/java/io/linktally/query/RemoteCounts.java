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
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.DefaultHttpRequestRetryStrategy;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Asks another instance for counts, bucket reads and top lists from its own stores, over one
 * pooled HTTP client. The other instance answers locally or refuses; it never forwards again, so a
 * lookup takes one hop at most.
 *
 * <p>A peer that could not be reached (refused, reset, timed out) is remembered as down for a
 * second, for every kind of lookup: while an instance is dead, each lookup would otherwise wait
 * out the forward timeout on it before asking a standby copy.
 *
 * <p>A request is written and its answer read on the thread that asks, over a pooled connection
 * (Apache HttpClient's classic, blocking client): a forwarded lookup then wakes no other thread of
 * this instance. The JDK's client hands every exchange from its selector thread to a worker and
 * back, and completes {@code sendAsync} on CompletableFuture's default pool, which on one or two
 * cores starts a new thread per call; asking one peer from 16 threads, it answered a quarter as
 * many requests a second. {@link #askAll} runs one lookup's asks to several peers together.
 */
public final class RemoteCounts implements AutoCloseable {
    public static final String PATH = "/internal/v1/counts";
    public static final String BUCKETS_PATH = "/internal/v1/buckets";
    public static final String TOP_PATH = "/internal/v1/top";
    public static final int MAX_TOP_LIMIT = 1000;
    private static final Set<String> BUCKET_STORES = Set.of(TopologyNames.HOURLY_SERIES_STORE, TopologyNames.DAILY_SERIES_STORE,
            TopologyNames.BREAKDOWN_STORE);
    /** Bucket answers travel as records; derived getters such as {@code LinkCounts.isZero} are written and ignored on reading. */
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    static final Duration PEER_DOWN = Duration.ofSeconds(1);
    private static final int FAN_OUT_THREADS = 64;
    private static final int CONNECTIONS_PER_PEER = 64;

    private final CloseableHttpClient http;
    private final Clock clock;
    private final Map<HostInfo, Long> downUntil = new ConcurrentHashMap<>();
    private final ExecutorService fanOut = fanOutPool();

    public RemoteCounts(Duration timeout) {
        this(timeout, Clock.systemUTC());
    }

    RemoteCounts(Duration timeout, Clock clock) {
        Timeout each = Timeout.of(timeout);
        PoolingHttpClientConnectionManager connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnPerRoute(CONNECTIONS_PER_PEER)
                .setMaxConnTotal(CONNECTIONS_PER_PEER * 16)
                .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(each).setSocketTimeout(each)
                        .setValidateAfterInactivity(TimeValue.ofSeconds(1)).build())
                .build();
        this.http = HttpClients.custom()
                .setConnectionManager(connections)
                .setDefaultRequestConfig(RequestConfig.custom().setConnectionRequestTimeout(each).setResponseTimeout(each).build())
                .setRetryStrategy(new StaleConnectionRetry())
                .evictIdleConnections(TimeValue.ofSeconds(30))
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableContentCompression()
                .build();
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

    /** One request to a peer, for {@link #askAll}. */
    @FunctionalInterface
    interface Ask<T> {
        T call() throws IOException;
    }

    /**
     * Makes the asks at once and returns their answers, by key in the asks' order. Every ask but
     * the last runs on the fan-out pool and the last on the calling thread, which would only wait
     * otherwise: a lookup forwarded to one owner, the common case, hands nothing to another thread
     * here. An ask that fails fails its own answer, with what it threw.
     */
    <K, T> Map<K, CompletableFuture<T>> askAll(Map<K, Ask<T>> asks) {
        Map<K, CompletableFuture<T>> answers = new LinkedHashMap<>();
        int left = asks.size();
        for (Map.Entry<K, Ask<T>> ask : asks.entrySet()) {
            CompletableFuture<T> answer = new CompletableFuture<>();
            answers.put(ask.getKey(), answer);
            if (--left == 0) {
                complete(answer, ask.getValue());
            } else {
                fanOut.execute(() -> complete(answer, ask.getValue()));
            }
        }
        return answers;
    }

    private static <T> void complete(CompletableFuture<T> answer, Ask<T> ask) {
        try {
            answer.complete(ask.call());
        } catch (IOException | RuntimeException e) {
            answer.completeExceptionally(e);
        }
    }

    /** The counts of these URLs from the peer's own copies; IOException when it cannot be reached. */
    List<CountResult> counts(HostInfo host, List<String> canonicalUrls, boolean allowStandby) throws IOException {
        return post(host, PATH, Map.of("urls", canonicalUrls, "allow_standby", allowStandby), body -> parse(body, canonicalUrls.size()));
    }

    BucketCounts buckets(HostInfo host, WindowRange range, boolean allowStandby) throws IOException {
        return post(host, BUCKETS_PATH, new BucketRequest(range, allowStandby), body -> read(body, BucketCounts.class));
    }

    TopLinksAnswer top(HostInfo host, TopWindow window, TopMetric metric, int limit, Set<Integer> partitions, boolean allowStandby)
            throws IOException {
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

    /** Refused or unreadable answers throw StoreUnavailableException; a peer not reached throws IOException and is left alone a while. */
    private <T> T post(HostInfo host, String path, Object body, Function<byte[], T> reader) throws IOException {
        HttpPost request = new HttpPost(URI.create("http://" + host.host() + ":" + host.port() + path));
        request.setEntity(new ByteArrayEntity(JSON.writeValueAsBytes(body), ContentType.APPLICATION_JSON));
        Answer answer;
        try {
            answer = http.execute(request, response -> new Answer(response.getCode(),
                    response.getEntity() == null ? new byte[0] : EntityUtils.toByteArray(response.getEntity())));
        } catch (IOException e) {
            downUntil.put(host, clock.millis() + PEER_DOWN.toMillis());
            throw e;
        }
        if (answer.status() != 200) {
            throw new StoreUnavailableException(host.host() + ":" + host.port() + " answered " + answer.status());
        }
        return reader.apply(answer.body());
    }

    @Override
    public void close() {
        fanOut.shutdown();
        http.close(CloseMode.GRACEFUL);
    }

    private record Answer(int status, byte[] body) {
    }

    /**
     * Asks again once, on a new connection, when a pooled one was closed by the peer meanwhile
     * (the peer restarted, or dropped it idle): the internal reads change nothing. Never on an
     * answer, a timeout or a refused connection; those are the lookup's to handle.
     */
    private static final class StaleConnectionRetry extends DefaultHttpRequestRetryStrategy {
        StaleConnectionRetry() {
            super(1, TimeValue.ZERO_MILLISECONDS);
        }

        @Override
        protected boolean handleAsIdempotent(HttpRequest request) {
            return true;
        }

        @Override
        public boolean retryRequest(HttpResponse response, int execCount, HttpContext context) {
            return false;
        }
    }

    /**
     * Daemon threads, kept a minute when idle. Bounded: past that many asks in flight the lookup's
     * own thread makes the ask, one after another, rather than queueing it behind others.
     */
    private static ExecutorService fanOutPool() {
        AtomicInteger threads = new AtomicInteger();
        ThreadFactory factory = task -> {
            Thread thread = new Thread(task, "linktally-forward-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        return new ThreadPoolExecutor(0, FAN_OUT_THREADS, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), factory,
                new ThreadPoolExecutor.CallerRunsPolicy());
    }

    private static <T> T read(byte[] body, Class<T> type) {
        try {
            return JSON.readValue(body, type);
        } catch (IOException e) {
            throw new StoreUnavailableException("a peer's answer was not readable: " + e.getMessage(), e);
        }
    }

    /** A forwarded {@link #buckets}, as the receiving instance reads it. */
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



    /** The wire form of {@link #counts}'s answer, written by the receiving instance. */
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
