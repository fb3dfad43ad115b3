package io.linktally.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.linktally.events.EventPublisher;
import io.linktally.events.PublishableEvent;
import io.linktally.events.Topics;
import io.linktally.query.CountLookup;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.linktally.query.CountResult;
import io.linktally.query.Readiness;
import io.linktally.query.StoreUnavailableException;
import io.linktally.topology.LinkCounts;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The HTTP API over real HTTP: a started Javalin on an ephemeral port, the JDK's client, hand-written fakes. */
class HttpApiTest {
    private static final HttpSettings SETTINGS = new HttpSettings(Duration.ofSeconds(10), 1 << 20, 100, 1000, Duration.ofSeconds(5), Duration.ZERO);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EVENT = "{\"url\": \"https://buffer.com\", \"created_at\": \"1480431305\", \"update_id\": \"123456\", \"profile_id\": \"654321\"}";
    private static final String BATCH_SHAPE = "body must be JSON like {\\\"urls\\\": [\\\"https://...\\\"]}";

    // ------------------------------------------------------------------ fakes

    /** Counts by canonical URL; can be switched to answer as a rebalancing store does. */
    static final class FakeCountLookup implements CountLookup {
        final Map<String, LinkCounts> counts = new HashMap<>();
        final List<String> asked = Collections.synchronizedList(new ArrayList<>());
        final Set<String> fromStandby = Collections.synchronizedSet(new HashSet<>());
        volatile boolean unavailable;

        @Override
        public List<CountResult> counts(List<String> canonicalUrls) {
            asked.addAll(canonicalUrls);
            if (unavailable) {
                throw new StoreUnavailableException("stores are rebalancing; retry shortly");
            }
            return canonicalUrls.stream().map(this::result).toList();
        }

        @Override
        public List<CountResult> localCounts(List<String> canonicalUrls, boolean allowStandby) {
            if (unavailable) {
                throw new StoreUnavailableException("partition 3 is not held here in a state that can answer");
            }
            return canonicalUrls.stream().map(this::result).filter(r -> allowStandby || !r.fromStandby()).toList();
        }

        private CountResult result(String url) {
            LinkCounts value = counts.getOrDefault(url, LinkCounts.ZERO);
            return fromStandby.contains(url) ? CountResult.standby(value, 7) : CountResult.active(value);
        }
    }

    static final class FakeReadiness implements Readiness {
        volatile Status status = new Status(true, "RUNNING");

        @Override
        public Status status() {
            return status;
        }
    }

    /** Remembers every batch it was given; can be switched to fail as an unreachable cluster does. */
    static final class RecordingPublisher implements EventPublisher {
        final List<List<PublishableEvent>> batches = Collections.synchronizedList(new ArrayList<>());
        final List<Duration> timeouts = Collections.synchronizedList(new ArrayList<>());
        volatile boolean failing;
        volatile CountDownLatch entered = new CountDownLatch(0);
        volatile CountDownLatch release = new CountDownLatch(0);

        @Override
        public void publishAll(List<PublishableEvent> events, Duration timeout) {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (failing) {
                throw new PublishFailedException("2 of 2 events not acknowledged within 5s", new RuntimeException("timeout"));
            }
            batches.add(List.copyOf(events));
            timeouts.add(timeout);
        }

        List<PublishableEvent> onlyBatch() {
            assertThat(batches).hasSize(1);
            return batches.get(0);
        }
    }

    private final FakeCountLookup counts = new FakeCountLookup();
    private final FakeBucketReads buckets = new FakeBucketReads();
    private final FakeTopReads top = new FakeTopReads();
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final FakeReadiness readiness = new FakeReadiness();
    private final RecordingPublisher publisher = new RecordingPublisher();
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private Javalin app;

    @BeforeEach
    void start() {
        startWith(HttpApi.create(new HttpApi.Lookups(counts, buckets, top), readiness, publisher, SETTINGS, metrics));
        counts.counts.put("https://buffer.com/", new LinkCounts(42, 7, 5));
        counts.counts.put("https://example.com/a?b=1", new LinkCounts(3, 0));
    }

    private void startWith(Javalin javalin) {
        if (app != null) {
            app.stop();
        }
        app = javalin.start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        app.stop();
    }

    @Test
    void stoppingRefusesNewRequestsAndFinishesThoseInFlight() throws Exception {
        startWith(HttpApi.create(new HttpApi.Lookups(counts, buckets, top), readiness, publisher,
                new HttpSettings(Duration.ofSeconds(10), 1 << 20, 100, 1000, Duration.ofSeconds(5), Duration.ofSeconds(20)), metrics));
        URI healthz = uri("/healthz");
        publisher.entered = new CountDownLatch(1);
        publisher.release = new CountDownLatch(1);
        CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(HttpRequest.newBuilder(uri("/v1/events/link-created"))
                .POST(HttpRequest.BodyPublishers.ofString(event("drain"))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(publisher.entered.await(10, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(app::stop);
        await("new requests refused").atMost(Duration.ofSeconds(10)).until(() -> {
            try {
                return client.send(HttpRequest.newBuilder(healthz).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 503;
            } catch (IOException e) {
                return true;
            }
        });
        assertThat(stopping).isNotDone();
        publisher.release.countDown();

        assertThat(inFlight.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(202);
        stopping.get(10, TimeUnit.SECONDS);
        assertThat(publisher.onlyBatch()).hasSize(1);
    }

    // ------------------------------------------------------------------ HTTP helpers

    private URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + app.port() + pathAndQuery);
    }

    private static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(pathAndQuery)).GET());
    }

    private HttpResponse<String> post(String path, byte[] body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    private HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return post(path, body.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode json(String text) throws IOException {
        return JSON.readTree(text);
    }

    private static void assertAnswer(HttpResponse<String> response, int status, String expectedJson) throws IOException {
        assertThat(response.statusCode()).as("status of %s", response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(json(response.body())).isEqualTo(json(expectedJson));
    }

    private static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String event(String updateId) {
        return "{\"url\":\"https://buffer.com/" + updateId + "\",\"update_id\":\"" + updateId + "\"}";
    }

    // ------------------------------------------------------------------ GET /v1/counts

    @Test
    void countsOfAKnownUrl() throws Exception {
        HttpResponse<String> response = get("/v1/counts?url=" + q("https://buffer.com"));

        assertAnswer(response, 200, "{\"url\":\"https://buffer.com\",\"canonical_url\":\"https://buffer.com/\",\"shares\":42,\"clicks\":7}");
        assertThat(header(response, "Cache-Control")).isEqualTo("public, max-age=10");
        assertThat(header(response, "Access-Control-Allow-Origin")).isEqualTo("*");
        assertThat(counts.asked).containsExactly("https://buffer.com/");
    }

    @Test
    void botClicksAreLeftOutUnlessAskedFor() throws Exception {
        String url = "/v1/counts?url=" + q("https://buffer.com");
        assertAnswer(get(url + "&bots=false"), 200, "{\"url\":\"https://buffer.com\",\"canonical_url\":\"https://buffer.com/\",\"shares\":42,\"clicks\":7}");
        assertAnswer(get(url + "&bots=true"), 200, "{\"url\":\"https://buffer.com\",\"canonical_url\":\"https://buffer.com/\",\"shares\":42,\"clicks\":12}");
        assertAnswer(get(url + "&bots=only"), 200, "{\"url\":\"https://buffer.com\",\"canonical_url\":\"https://buffer.com/\",\"shares\":42,\"clicks\":5}");
        assertAnswer(post("/v1/counts?bots=only", "{\"urls\":[\"https://buffer.com\"]}"), 200,
                "{\"counts\":[{\"url\":\"https://buffer.com\",\"canonical_url\":\"https://buffer.com/\",\"shares\":42,\"clicks\":5}]}");
        assertAnswer(get(url + "&bots=maybe"), 400,
                "{\"error\":\"invalid_bots\",\"message\":\"query parameter 'bots' must be false, true or only\"}");
    }

    @Test
    void anAnswerFromAStandbyCopySaysSoAndGivesItsLag() throws Exception {
        counts.fromStandby.add("https://buffer.com/");

        HttpResponse<String> single = get("/v1/counts?url=" + q("https://buffer.com"));
        HttpResponse<String> batch = post("/v1/counts", "{\"urls\": [\"https://a.example/\", \"https://buffer.com\"]}");
        HttpResponse<String> active = get("/v1/counts?url=" + q("https://a.example/"));

        assertAnswer(single, 200, "{\"url\":\"https://buffer.com\",\"canonical_url\":\"https://buffer.com/\",\"shares\":42,\"clicks\":7}");
        assertThat(header(single, "X-Linktally-Source")).isEqualTo("standby");
        assertThat(header(single, "X-Linktally-Standby-Lag")).isEqualTo("7");
        assertThat(header(batch, "X-Linktally-Source")).isEqualTo("standby");
        assertThat(header(active, "X-Linktally-Source")).isNull();
    }

    @Test
    void peersGetCountsFromThisInstancesOwnStoresWithTheirProvenance() throws Exception {
        counts.fromStandby.add("https://buffer.com/");

        HttpResponse<String> response = post("/internal/v1/counts",
                "{\"urls\": [\"https://a.example/\", \"https://buffer.com/\"], \"allow_standby\": true}");

        assertAnswer(response, 200, "{\"counts\":[{\"shares\":0,\"clicks\":0,\"bot_clicks\":0,\"standby_lag\":-1},"
                + "{\"shares\":42,\"clicks\":7,\"bot_clicks\":5,\"standby_lag\":7}]}");
    }

    @Test
    void aPeerAskingWhatIsNotHeldHereGets503() throws Exception {
        counts.unavailable = true;

        HttpResponse<String> response = post("/internal/v1/counts", "{\"urls\": [\"https://a.example/\"]}");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(json(response.body()).get("error").asText()).isEqualTo("not_ready");
    }

    @Test
    void metricsArePrometheusTextWithLatencyByRouteTemplate() throws Exception {
        get("/v1/counts?url=" + q("https://buffer.com"));
        get("/v1/counts?url=" + q("https://a.example/"));
        get("/v1/counts");
        get("/no/such/route");

        HttpResponse<String> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(header(response, "Content-Type")).startsWith("text/plain; version=0.0.4");
        assertThat(response.body()).contains(
                "linktally_http_requests_seconds_count{method=\"GET\",route=\"/v1/counts\",status=\"200\"} 2",
                "linktally_http_requests_seconds_count{method=\"GET\",route=\"/v1/counts\",status=\"400\"} 1",
                "linktally_http_requests_seconds_count{method=\"GET\",route=\"*\",status=\"404\"} 1");
        assertThat(response.body()).contains("linktally_http_requests_seconds_bucket{");
        assertThat(response.body()).doesNotContain("a.example");
    }

    @Test
    void unknownUrlHasZeroCounts() throws Exception {
        HttpResponse<String> response = get("/v1/counts?url=" + q("https://never-shared.example/x"));

        assertAnswer(response, 200, "{\"url\":\"https://never-shared.example/x\",\"canonical_url\":\"https://never-shared.example/x\",\"shares\":0,\"clicks\":0}");
        assertThat(header(response, "Cache-Control")).isEqualTo("public, max-age=10");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "https://buffer.com/",
        "HTTPS://WWW.Buffer.com",
        "https://buffer.com:443/?utm_source=twitter&utm_medium=social",
        "https://www.buffer.com/#pricing",
        "https://buffer.com/a/../?fbclid=abc",
    })
    void spellingsOfAUrlMeetUnderItsCanonicalForm(String url) throws Exception {
        HttpResponse<String> response = get("/v1/counts?url=" + q(url));

        assertAnswer(response, 200, JSON.writeValueAsString(Map.of(
                "url", url, "canonical_url", "https://buffer.com/", "shares", 42, "clicks", 7)));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"/v1/counts", "/v1/counts?url=", "/v1/counts?url=%20%20", "/v1/counts?uri=https%3A%2F%2Fbuffer.com"})
    void missingUrlIsABadRequest(String pathAndQuery) throws Exception {
        HttpResponse<String> response = get(pathAndQuery);

        assertAnswer(response, 400, "{\"error\":\"missing_url\",\"message\":\"query parameter 'url' is required\"}");
        assertThat(header(response, "Access-Control-Allow-Origin")).isEqualTo("*");
        assertThat(header(response, "Cache-Control")).isEqualTo("no-store");
        assertThat(counts.asked).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "ftp://buffer.com/file    | url must be absolute http or https",
        "buffer.com               | url must be absolute http or https",
        "/pricing                 | url must be absolute http or https",
        "https://                 | url has no host",
        "https://buffer.com:99999 | url has an invalid port",
        "https://bad_host.com/    | url has an invalid host",
    })
    void invalidUrlIsABadRequest(String url, String reason) throws Exception {
        HttpResponse<String> response = get("/v1/counts?url=" + q(url));

        assertAnswer(response, 400, JSON.writeValueAsString(Map.of(
                "error", "invalid_url", "message", "query parameter 'url': " + reason)));
        assertThat(counts.asked).isEmpty();
    }

    @Test
    void urlOfExactly8KiBIsAnswered() throws Exception {
        String url = "https://buffer.com/" + "a".repeat(8192 - "https://buffer.com/".length());

        HttpResponse<String> response = get("/v1/counts?url=" + q(url));

        assertAnswer(response, 200, JSON.writeValueAsString(Map.of("url", url, "canonical_url", url, "shares", 0, "clicks", 0)));
    }

    @Test
    void urlLongerThan8KiBIsABadRequest() throws Exception {
        String url = "https://buffer.com/" + "a".repeat(8193 - "https://buffer.com/".length());

        HttpResponse<String> response = get("/v1/counts?url=" + q(url));

        assertAnswer(response, 400,
                "{\"error\":\"invalid_url\",\"message\":\"query parameter 'url': url is longer than 8192 bytes\"}");
        assertThat(json(response.body()).get("message").asText()).contains("8192");
    }

    @Test
    void storeUnavailableIsServiceUnavailableWithRetryAfter() throws Exception {
        counts.unavailable = true;

        HttpResponse<String> response = get("/v1/counts?url=" + q("https://buffer.com"));

        assertAnswer(response, 503, "{\"error\":\"not_ready\",\"message\":\"stores are rebalancing; retry shortly\"}");
        assertThat(header(response, "Retry-After")).isEqualTo("1");
        assertThat(header(response, "Cache-Control")).isEqualTo("no-store");
        assertThat(header(response, "Access-Control-Allow-Origin")).isEqualTo("*");
    }

    @Test
    void cacheMaxAgeComesFromTheSettings() throws Exception {
        startWith(HttpApi.create(new HttpApi.Lookups(counts, buckets, top), readiness, publisher,
                new HttpSettings(Duration.ofMinutes(5), 1 << 20, 100, 1000, Duration.ofSeconds(5), Duration.ZERO), metrics));

        HttpResponse<String> response = get("/v1/counts?url=" + q("https://buffer.com"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(header(response, "Cache-Control")).isEqualTo("public, max-age=300");
    }

    // ------------------------------------------------------------------ POST /v1/counts

    @Test
    void batchAnswersInRequestOrder() throws Exception {
        HttpResponse<String> response = post("/v1/counts",
                "{\"urls\": [\"https://unknown.example/\", \"https://www.buffer.com/?utm_campaign=x\", \"HTTPS://EXAMPLE.COM/a?b=1#c\", \"https://buffer.com\"]}");

        assertAnswer(response, 200, "{\"counts\": ["
                + "{\"url\":\"https://unknown.example/\",\"canonical_url\":\"https://unknown.example/\",\"shares\":0,\"clicks\":0},"
                + "{\"url\":\"https://www.buffer.com/?utm_campaign=x\",\"canonical_url\":\"https://buffer.com/\",\"shares\":42,\"clicks\":7},"
                + "{\"url\":\"HTTPS://EXAMPLE.COM/a?b=1#c\",\"canonical_url\":\"https://example.com/a?b=1\",\"shares\":3,\"clicks\":0},"
                + "{\"url\":\"https://buffer.com\",\"canonical_url\":\"https://buffer.com/\",\"shares\":42,\"clicks\":7}"
                + "]}");
    }

    @Test
    void emptyBatchIsAnEmptyAnswer() throws Exception {
        assertAnswer(post("/v1/counts", "{\"urls\": []}"), 200, "{\"counts\": []}");
    }

    @Test
    void batchOfExactly1000UrlsIsAnswered() throws Exception {
        String urls = IntStream.range(0, 1000).mapToObj(i -> "\"https://buffer.com/" + i + "\"").collect(Collectors.joining(","));

        HttpResponse<String> response = post("/v1/counts", "{\"urls\": [" + urls + "]}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response.body()).get("counts")).hasSize(1000);
        assertThat(json(response.body()).get("counts").get(999).get("canonical_url").asText()).isEqualTo("https://buffer.com/999");
    }

    @Test
    void batchOfMoreThan1000UrlsIsTooLarge() throws Exception {
        String urls = IntStream.range(0, 1001).mapToObj(i -> "\"https://buffer.com/" + i + "\"").collect(Collectors.joining(","));

        HttpResponse<String> response = post("/v1/counts", "{\"urls\": [" + urls + "]}");

        assertAnswer(response, 413, "{\"error\":\"too_many_urls\",\"message\":\"1001 URLs asked for; at most 1000 per request\"}");
        assertThat(counts.asked).isEmpty();
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"{\"urls\": [", "not json", "{\"urls\": [\"https://buffer.com\",]}", "{'urls': []}"})
    void malformedJsonIsInvalidJson(String body) throws Exception {
        assertAnswer(post("/v1/counts", body), 400, "{\"error\":\"invalid_json\",\"message\":\"" + BATCH_SHAPE + "\"}");
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"{\"urls\": \"x\"}", "{\"urls\": {\"0\": \"https://buffer.com\"}}", "{}", "[\"https://buffer.com\"]", "{\"urls\": null}", ""})
    void bodyOfAnotherShapeIsInvalidBody(String body) throws Exception {
        assertAnswer(post("/v1/counts", body), 400, "{\"error\":\"invalid_body\",\"message\":\"" + BATCH_SHAPE + "\"}");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"42", "null", "[\"https://buffer.com\"]", "{\"url\": \"https://buffer.com\"}", "true"})
    void nonStringEntryIsNamedByItsIndex(String entry) throws Exception {
        HttpResponse<String> response = post("/v1/counts", "{\"urls\": [\"https://buffer.com\", " + entry + "]}");

        assertAnswer(response, 400, "{\"error\":\"invalid_url\",\"message\":\"urls[1] must be a string\"}");
        assertThat(counts.asked).isEmpty();
    }

    @Test
    void invalidUrlEntryIsNamedByItsIndex() throws Exception {
        HttpResponse<String> response = post("/v1/counts", "{\"urls\": [\"https://buffer.com\", \"mailto:someone@buffer.com\", \"https://x.com\"]}");

        assertAnswer(response, 400, "{\"error\":\"invalid_url\",\"message\":\"urls[1]: url must be absolute http or https\"}");
    }

    @Test
    void emptyUrlEntryIsNamedByItsIndex() throws Exception {
        HttpResponse<String> response = post("/v1/counts", "{\"urls\": [\"https://buffer.com\", \"\"]}");

        assertAnswer(response, 400, "{\"error\":\"missing_url\",\"message\":\"urls[1] is required\"}");
    }

    @Test
    void batchWhileTheStoreIsUnavailableIsServiceUnavailable() throws Exception {
        counts.unavailable = true;

        HttpResponse<String> response = post("/v1/counts", "{\"urls\": [\"https://buffer.com\"]}");

        assertAnswer(response, 503, "{\"error\":\"not_ready\",\"message\":\"stores are rebalancing; retry shortly\"}");
        assertThat(header(response, "Retry-After")).isEqualTo("1");
    }

    @Test
    void batchBodyOverTheMaxRequestSizeIsTooLarge() throws Exception {
        // one valid URL padded past the 1 MiB limit by a field the handler does not read
        String body = "{\"urls\": [\"https://buffer.com\"], \"pad\": \"" + "x".repeat(1 << 20) + "\"}";

        HttpResponse<String> response = post("/v1/counts", body);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(json(response.body()).get("error").asText()).isEqualTo("request_too_large");
        assertThat(counts.asked).isEmpty();
    }

    // ------------------------------------------------------------------ GET /1/links/shares.json

    @Test
    void bufferShareCountApi() throws Exception {
        HttpResponse<String> response = get("/1/links/shares.json?url=" + q("https://www.buffer.com/?utm_source=x"));

        assertAnswer(response, 200, "{\"shares\":42}");
        assertThat(response.body()).isEqualTo("{\"shares\":42}");
        assertThat(header(response, "Cache-Control")).isEqualTo("public, max-age=10");
        assertThat(header(response, "Access-Control-Allow-Origin")).isEqualTo("*");
    }

    @Test
    void bufferShareCountApiAnswersZeroForAnUnknownUrl() throws Exception {
        assertAnswer(get("/1/links/shares.json?url=" + q("https://never-shared.example/")), 200, "{\"shares\":0}");
    }

    @Test
    void bufferShareCountApiWithoutUrlIsABadRequest() throws Exception {
        assertAnswer(get("/1/links/shares.json"), 400, "{\"error\":\"missing_url\",\"message\":\"query parameter 'url' is required\"}");
    }

    // ------------------------------------------------------------------ POST /v1/events/clicks

    @Test
    void clicksArePublishedAsSentKeyedByClickIdIfAny() throws Exception {
        String withId = "{\"url\": \"https://buffer.com/pricing\", \"clicked_at\": \"2026-11-23T10:00:00Z\", \"click_id\": \"c-789\","
                + " \"ip\": \"203.0.113.7\", \"user_agent\": \"Mozilla/5.0\", \"referrer\": \"https://twitter.com/x\", \"code\": \"aZ3kP9\"}";
        String withoutId = "{\"url\": \"https://buffer.com/\"}";

        assertAnswer(post("/v1/events/clicks", withId + "\n" + withoutId + "\n"), 202, "{\"accepted\":2}");

        List<PublishableEvent> batch = publisher.onlyBatch();
        assertThat(batch).extracting(PublishableEvent::topic).containsOnly("links.clicked");
        assertThat(batch).extracting(e -> new String(e.value(), StandardCharsets.UTF_8)).containsExactly(withId, withoutId);
        assertThat(batch.get(0).key()).isEqualTo(bytes("c-789"));
        assertThat(batch.get(1).key()).isNull();
    }

    @Test
    void anInvalidClickRejectsTheRequestNamingTheLine() throws Exception {
        HttpResponse<String> response = post("/v1/events/clicks", "{\"url\": \"https://buffer.com/\"}\n{\"click_id\": \"c-1\"}\n");

        assertAnswer(response, 400, "{\"error\":\"invalid_event\",\"message\":\"line 2: field 'url' is required\",\"line\":2}");
        assertThat(publisher.batches).isEmpty();
    }

    // ------------------------------------------------------------------ POST /v1/events/link-created

    @Test
    void oneEventIsPublishedAsSent() throws Exception {
        HttpResponse<String> response = post("/v1/events/link-created", EVENT);

        assertAnswer(response, 202, "{\"accepted\":1}");
        assertThat(publisher.onlyBatch()).hasSize(1);
        PublishableEvent published = publisher.onlyBatch().get(0);
        assertThat(published.topic()).isEqualTo(Topics.LINKS_CREATED).isEqualTo("links.created");
        assertThat(published.value()).isEqualTo(bytes(EVENT));
        assertThat(published.key()).isEqualTo(bytes("123456"));
        assertThat(publisher.timeouts).containsExactly(Duration.ofSeconds(5));
    }

    @Test
    void withAnApiTokenEventsNeedItAndLookupsStayOpen() throws Exception {
        startWith(HttpApi.create(new HttpApi.Lookups(counts, buckets, top), readiness, publisher,
                new HttpSettings(Duration.ofSeconds(10), 1 << 20, 100, 1000, Duration.ofSeconds(5), Duration.ZERO, Optional.of("s3cret")),
                metrics));
        String unauthorized = "{\"error\":\"unauthorized\",\"message\":\"this route needs the API token: send 'Authorization: Bearer <token>'\"}";

        HttpResponse<String> none = post("/v1/events/link-created", EVENT);
        assertAnswer(none, 401, unauthorized);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertAnswer(send(HttpRequest.newBuilder(uri("/v1/events/clicks")).header("Authorization", "Bearer s3cre")
                .POST(HttpRequest.BodyPublishers.ofString("{\"url\":\"https://buffer.com\"}"))), 401, unauthorized);
        assertAnswer(send(HttpRequest.newBuilder(uri("/v1/events/link-created")).header("Authorization", "Basic s3cret")
                .POST(HttpRequest.BodyPublishers.ofString(EVENT))), 401, unauthorized);
        assertThat(publisher.batches).isEmpty();

        assertAnswer(send(HttpRequest.newBuilder(uri("/v1/events/link-created")).header("Authorization", "Bearer s3cret")
                .POST(HttpRequest.BodyPublishers.ofString(EVENT))), 202, "{\"accepted\":1}");
        assertAnswer(send(HttpRequest.newBuilder(uri("/v1/events/clicks")).header("Authorization", "Bearer s3cret")
                .POST(HttpRequest.BodyPublishers.ofString("{\"url\":\"https://buffer.com\"}"))), 202, "{\"accepted\":1}");
        assertThat(publisher.batches).hasSize(2);
        assertThat(get("/v1/counts?url=" + q("https://buffer.com")).statusCode()).isEqualTo(200);
    }

    @Test
    void integerUpdateIdIsTheKeyInDecimal() throws Exception {
        String body = "{\"url\": \"https://buffer.com\", \"update_id\": 98765}";

        assertAnswer(post("/v1/events/link-created", body), 202, "{\"accepted\":1}");
        assertThat(publisher.onlyBatch().get(0).key()).isEqualTo(bytes("98765"));
        assertThat(publisher.onlyBatch().get(0).value()).isEqualTo(bytes(body));
    }

    @Test
    void eventsAreStampedWithTheTimeOfTheRequest() throws Exception {
        Instant now = Instant.parse("2026-11-23T10:00:00.123Z");
        startWith(HttpApi.create(new HttpApi.Lookups(counts, buckets, top), readiness, publisher, SETTINGS, metrics, Clock.fixed(now, ZoneOffset.UTC)));

        assertAnswer(post("/v1/events/link-created", event("a") + "\n" + event("b")), 202, "{\"accepted\":2}");
        assertThat(publisher.onlyBatch()).extracting(PublishableEvent::timestamp).containsExactly(now.toEpochMilli(), now.toEpochMilli());
    }

    @Test
    void ndjsonEventsArePublishedLineByLineWithoutLineEndings() throws Exception {
        String first = "{\"url\":\"https://buffer.com/1\",\"update_id\":\"u1\"}";
        String second = "{\"url\":\"https://buffer.com/2\",\"update_id\":\"u2\",\"created_at\":1480431305}";
        String third = "{\"url\":\"https://buffer.com/3\",\"update_id\":\"u3\"}";
        String body = first + "\r\n" + "\n" + second + "\n" + "  \t\n" + third + "\n";

        HttpResponse<String> response = post("/v1/events/link-created", body);

        assertAnswer(response, 202, "{\"accepted\":3}");
        List<PublishableEvent> batch = publisher.onlyBatch();
        assertThat(batch).extracting(e -> new String(e.value(), StandardCharsets.UTF_8)).containsExactly(first, second, third);
        assertThat(batch).extracting(e -> new String(e.key(), StandardCharsets.UTF_8)).containsExactly("u1", "u2", "u3");
        assertThat(batch).extracting(PublishableEvent::topic).containsOnly("links.created");
    }

    @Test
    void prettyPrintedEventSpanningLinesIsOneEvent() throws Exception {
        String pretty = "{\n  \"url\": \"https://buffer.com\",\n  \"update_id\": \"123456\",\n  \"created_at\": \"1480431305\"\n}";

        HttpResponse<String> response = post("/v1/events/link-created", pretty + "\n");

        assertAnswer(response, 202, "{\"accepted\":1}");
        assertThat(publisher.onlyBatch()).hasSize(1);
        assertThat(publisher.onlyBatch().get(0).value()).isEqualTo(bytes(pretty));
        assertThat(publisher.onlyBatch().get(0).key()).isEqualTo(bytes("123456"));
    }

    @Test
    void prettyPrintedEventOfMoreLinesThanTheBatchLimitIsStillOneEvent() throws Exception {
        // as JSON.stringify(event, null, 2) writes it: one array element per line, 120 lines in all
        String tags = IntStream.range(0, 114).mapToObj(i -> "    \"tag" + i + "\"").collect(Collectors.joining(",\n"));
        String pretty = "{\n  \"url\": \"https://buffer.com\",\n  \"update_id\": \"123456\",\n  \"tags\": [\n" + tags + "\n  ]\n}";
        assertThat(pretty.lines().count()).isEqualTo(120);

        HttpResponse<String> response = post("/v1/events/link-created", pretty);

        assertAnswer(response, 202, "{\"accepted\":1}");
        assertThat(publisher.onlyBatch().get(0).value()).isEqualTo(bytes(pretty));
    }

    @Test
    void badLineRejectsTheWholeRequestNamingTheLine() throws Exception {
        String body = event("a") + "\n" + "{\"update_id\":\"b\"}" + "\n" + event("c") + "\n";

        HttpResponse<String> response = post("/v1/events/link-created", body);

        assertAnswer(response, 400, "{\"error\":\"invalid_event\",\"message\":\"line 2: field 'url' is required\",\"line\":2}");
        assertThat(publisher.batches).isEmpty();
    }

    @Test
    void lineNumbersCountBlankLines() throws Exception {
        String body = event("a") + "\n\n" + event("b") + "\n" + "{\"url\":\"ftp://buffer.com\",\"update_id\":\"c\"}";

        HttpResponse<String> response = post("/v1/events/link-created", body);

        assertAnswer(response, 400,
                "{\"error\":\"invalid_event\",\"message\":\"line 4: field 'url': url must be absolute http or https\",\"line\":4}");
        assertThat(publisher.batches).isEmpty();
    }

    @Test
    void singleInvalidEventIsLineOne() throws Exception {
        HttpResponse<String> response = post("/v1/events/link-created", "[1, 2]");

        assertAnswer(response, 400, "{\"error\":\"invalid_event\",\"message\":\"line 1: event must be a JSON object\",\"line\":1}");
        assertThat(publisher.batches).isEmpty();
    }

    @Test
    void exactlyTheBatchLimitIsAccepted() throws Exception {
        String body = IntStream.range(0, 100).mapToObj(i -> event("u" + i)).collect(Collectors.joining("\n"));

        assertAnswer(post("/v1/events/link-created", body), 202, "{\"accepted\":100}");
        assertThat(publisher.onlyBatch()).hasSize(100);
    }

    @Test
    void moreEventsThanTheBatchLimitAreTooMany() throws Exception {
        String body = IntStream.range(0, 101).mapToObj(i -> event("u" + i)).collect(Collectors.joining("\n"));

        HttpResponse<String> response = post("/v1/events/link-created", body);

        assertAnswer(response, 413, "{\"error\":\"too_many_events\",\"message\":\"more than 100 events in one request\"}");
        assertThat(publisher.batches).isEmpty();
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"", "\n", " \r\n\t\n"})
    void emptyBodyIsABadRequest(String body) throws Exception {
        HttpResponse<String> response = post("/v1/events/link-created", body);

        assertAnswer(response, 400, "{\"error\":\"empty_body\",\"message\":\"the body holds no event\"}");
        assertThat(publisher.batches).isEmpty();
    }

    @Test
    void publisherFailureIsKafkaUnavailable() throws Exception {
        publisher.failing = true;

        HttpResponse<String> response = post("/v1/events/link-created", event("a") + "\n" + event("b"));

        assertAnswer(response, 503, "{\"error\":\"kafka_unavailable\",\"message\":\"2 of 2 events not acknowledged within 5s\"}");
        assertThat(header(response, "Retry-After")).isEqualTo("1");
    }

    @Test
    void eventsBodyOverTheMaxRequestSizeIsTooLarge() throws Exception {
        byte[] body = new byte[(1 << 20) + 1];
        java.util.Arrays.fill(body, (byte) '\n');

        HttpResponse<String> response = post("/v1/events/link-created", body);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(json(response.body()).get("error").asText()).isEqualTo("request_too_large");
        assertThat(publisher.batches).isEmpty();
    }

    @Test
    void chunkedEventsBodyOverTheMaxRequestSizeIsTooLarge() throws Exception {
        byte[] body = new byte[(1 << 20) + 1];
        java.util.Arrays.fill(body, (byte) '\n');

        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/v1/events/link-created"))
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(json(response.body()).get("error").asText()).isEqualTo("request_too_large");
        assertThat(publisher.batches).isEmpty();
    }

    // ------------------------------------------------------------------ health

    @Test
    void healthzAnswersWhileTheProcessLives() throws Exception {
        readiness.status = new Readiness.Status(false, "REBALANCING");

        assertAnswer(get("/healthz"), 200, "{\"status\":\"ok\"}");
    }

    @Test
    void readyzWhenReady() throws Exception {
        assertAnswer(get("/readyz"), 200, "{\"status\":\"ready\",\"state\":\"RUNNING\"}");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"REBALANCING", "CREATED", "PENDING_SHUTDOWN", "ERROR"})
    void readyzWhenNotReadyNamesTheStreamState(String state) throws Exception {
        readiness.status = new Readiness.Status(false, state);

        assertAnswer(get("/readyz"), 503,
                "{\"error\":\"not_ready\",\"message\":\"the stores cannot answer yet\",\"state\":\"" + state + "\"}");
    }

    // ------------------------------------------------------------------ routing, methods, CORS

    @Test
    void unknownPathIsNotFoundInJson() throws Exception {
        HttpResponse<String> response = get("/v2/nothing-here");

        assertAnswer(response, 404, "{\"error\":\"not_found\",\"message\":\"no such resource: /v2/nothing-here\"}");
        assertThat(header(response, "Access-Control-Allow-Origin")).isEqualTo("*");
    }

    @Test
    void wrongMethodIsMethodNotAllowedInJson() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/v1/counts")).DELETE());

        assertAnswer(response, 405, "{\"error\":\"method_not_allowed\",\"message\":\"DELETE is not allowed on /v1/counts\"}");
    }

    @Test
    void getOnTheEventsEndpointIsMethodNotAllowed() throws Exception {
        HttpResponse<String> response = get("/v1/events/link-created");

        assertAnswer(response, 405, "{\"error\":\"method_not_allowed\",\"message\":\"GET is not allowed on /v1/events/link-created\"}");
        assertThat(publisher.batches).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/v1/counts", "/1/links/shares.json", "/v1/events/link-created"})
    void preflightIsAnsweredWithTheAllowedMethods(String path) throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path))
                .header("Origin", "https://some-blog.example")
                .header("Access-Control-Request-Method", "POST")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.body()).isEmpty();
        assertThat(header(response, "Access-Control-Allow-Methods")).isEqualTo("GET, POST, OPTIONS");
        assertThat(header(response, "Access-Control-Allow-Headers")).isEqualTo("Content-Type, Authorization");
        assertThat(header(response, "Access-Control-Allow-Origin")).isEqualTo("*");
    }
}
