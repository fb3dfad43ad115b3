package io.linktally.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.linktally.query.BucketCounts;
import io.linktally.query.RemoteCounts;
import io.linktally.query.TopLinksAnswer;
import io.linktally.query.WindowRange;
import io.linktally.topology.Breakdown;
import io.linktally.topology.LinkCounts;
import io.linktally.topology.TopologyNames;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
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
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GET /v1/timeseries and /v1/breakdown over HTTP: ranges asked of the stores, zero-filling, ordering and every 4xx. */
class BucketRoutesTest {
    private static final Instant NOW = Instant.parse("2026-11-23T10:20:00Z");
    private static final String URL = "https://www.buffer.com/pricing?utm_source=x";
    private static final String CANONICAL = "https://buffer.com/pricing";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakeBucketReads buckets = new FakeBucketReads();
    private final FakeTopReads top = new FakeTopReads();
    private final HttpClient client = HttpClient.newHttpClient();
    private Javalin app;

    @BeforeEach
    void start() {
        app = HttpApi.create(new HttpApi.Lookups(new HttpApiTest.FakeCountLookup(), buckets, top), new HttpApiTest.FakeReadiness(), new HttpApiTest.RecordingPublisher(),
                new HttpSettings(Duration.ofSeconds(10), 1 << 20, 100, 1000, Duration.ofSeconds(5), Duration.ZERO),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Clock.fixed(NOW, ZoneOffset.UTC)).start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        app.stop();
    }

    private HttpResponse<String> get(String pathAndQuery) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    private static BucketCounts.Entry bucket(String start, LinkCounts counts) {
        return new BucketCounts.Entry(CANONICAL, at(start), counts);
    }

    private void assertError(HttpResponse<String> response, int status, String code) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(JSON.readTree(response.body()).get("error").asText()).isEqualTo(code);
    }

    @Test
    void aTimeSeriesIsZeroFilledFromTheBucketOfFromToTheLastBucketBeforeTo() throws Exception {
        buckets.entries = List.of(bucket("2026-11-23T07:00:00Z", new LinkCounts(4, 9, 2)), bucket("2026-11-23T09:00:00Z", new LinkCounts(1, 0, 5)));

        HttpResponse<String> response = get("/v1/timeseries?url=" + q(URL) + "&metric=clicks&interval=hour"
                + "&from=2026-11-23T06:30:00Z&to=2026-11-23T10:00:00Z");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body())).isEqualTo(JSON.readTree("""
                {"url": "https://www.buffer.com/pricing?utm_source=x", "canonical_url": "https://buffer.com/pricing",
                 "metric": "clicks", "interval": "hour", "points": [
                   {"start": "2026-11-23T06:00:00Z", "count": 0},
                   {"start": "2026-11-23T07:00:00Z", "count": 9},
                   {"start": "2026-11-23T08:00:00Z", "count": 0},
                   {"start": "2026-11-23T09:00:00Z", "count": 0}]}
                """));
        assertThat(buckets.asked).containsExactly(new WindowRange(TopologyNames.HOURLY_SERIES_STORE, CANONICAL, CANONICAL, CANONICAL,
                at("2026-11-23T06:00:00Z"), at("2026-11-23T09:00:00Z"), WindowRange.SumBy.START));
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("public, max-age=10");
    }

    @Test
    void sharesBotsAndDailyBucketsAreAnsweredAsAsked() throws Exception {
        buckets.entries = List.of(bucket("2026-11-22T00:00:00Z", new LinkCounts(4, 9, 2)));

        JsonNode shares = JSON.readTree(get("/v1/timeseries?url=" + q(URL) + "&metric=shares&interval=day"
                + "&from=2026-11-21T00:00:00Z&to=2026-11-23T00:00:00Z").body());
        JsonNode bots = JSON.readTree(get("/v1/timeseries?url=" + q(URL) + "&metric=clicks&interval=day&bots=only"
                + "&from=2026-11-22T00:00:00Z&to=2026-11-22T00:00:01Z").body());
        JsonNode everyone = JSON.readTree(get("/v1/timeseries?url=" + q(URL) + "&metric=clicks&interval=day&bots=true"
                + "&from=2026-11-22T00:00:00Z&to=2026-11-22T00:00:01Z").body());

        assertThat(shares.get("points").toString()).isEqualTo("[{\"start\":\"2026-11-21T00:00:00Z\",\"count\":0},"
                + "{\"start\":\"2026-11-22T00:00:00Z\",\"count\":4}]");
        assertThat(bots.get("points").toString()).isEqualTo("[{\"start\":\"2026-11-22T00:00:00Z\",\"count\":2}]");
        assertThat(everyone.get("points").toString()).isEqualTo("[{\"start\":\"2026-11-22T00:00:00Z\",\"count\":11}]");
    }

    @Test
    void withoutFromAndToASeriesCoversTheLastDayOfHoursOrMonthOfDays() throws Exception {
        JsonNode hours = JSON.readTree(get("/v1/timeseries?url=" + q(URL) + "&metric=shares&interval=hour").body());
        JsonNode days = JSON.readTree(get("/v1/timeseries?url=" + q(URL) + "&metric=shares&interval=day").body());

        assertThat(hours.get("points")).hasSize(25);
        assertThat(hours.get("points").get(0).get("start").asText()).isEqualTo("2026-11-22T10:00:00Z");
        assertThat(hours.get("points").get(24).get("start").asText()).isEqualTo("2026-11-23T10:00:00Z");
        assertThat(days.get("points")).hasSize(31);
        assertThat(days.get("points").get(0).get("start").asText()).isEqualTo("2026-10-24T00:00:00Z");
    }

    @Test
    void badSeriesRequestsAreRefusedWithAReason() throws Exception {
        String url = "/v1/timeseries?url=" + q(URL);
        assertError(get("/v1/timeseries?metric=shares&interval=hour"), 400, "missing_url");
        assertError(get(url + "&interval=hour"), 400, "missing_metric");
        assertError(get(url + "&metric=likes&interval=hour"), 400, "invalid_metric");
        assertError(get(url + "&metric=shares"), 400, "missing_interval");
        assertError(get(url + "&metric=shares&interval=week"), 400, "invalid_interval");
        assertError(get(url + "&metric=shares&interval=hour&from=yesterday"), 400, "invalid_time");
        assertError(get(url + "&metric=shares&interval=hour&from=2026-11-23T10:00:00Z&to=2026-11-23T10:00:00Z"), 400, "invalid_range");
        assertError(get(url + "&metric=shares&interval=hour&from=2026-11-23T10:00:00Z&to=2026-11-23T09:00:00Z"), 400, "invalid_range");
        assertError(get(url + "&metric=shares&interval=hour&from=2026-10-01T00:00:00Z&to=2026-11-23T00:00:00Z"), 400, "range_outside_retention");
        assertError(get(url + "&metric=shares&interval=hour&from=2026-11-20T00:00:00Z&to=2027-01-01T00:00:00Z"), 400, "range_too_wide");
        assertError(get(url + "&metric=clicks&interval=hour&bots=maybe"), 400, "invalid_bots");
        assertThat(buckets.asked).isEmpty();
    }

    @Test
    void aBreakdownListsLabelsLargestFirstUpToTheLimit() throws Exception {
        String prefix = Breakdown.COUNTRY.firstKey(CANONICAL);
        buckets.entries = List.of(
                new BucketCounts.Entry(prefix + "NL", at("2026-11-01T00:00:00Z"), new LinkCounts(0, 5, 0)),
                new BucketCounts.Entry(prefix + "US", at("2026-11-01T00:00:00Z"), new LinkCounts(0, 9, 1)),
                new BucketCounts.Entry(prefix + "DE", at("2026-11-01T00:00:00Z"), new LinkCounts(0, 5, 0)),
                new BucketCounts.Entry(prefix + "unknown", at("2026-11-01T00:00:00Z"), new LinkCounts(0, 0, 30)));

        HttpResponse<String> response = get("/v1/breakdown?url=" + q(URL) + "&by=country&limit=3"
                + "&from=2026-11-01T12:00:00Z&to=2026-11-03T00:00:00Z");
        JsonNode bots = JSON.readTree(get("/v1/breakdown?url=" + q(URL) + "&by=country&bots=only").body());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body())).isEqualTo(JSON.readTree("""
                {"url": "https://www.buffer.com/pricing?utm_source=x", "canonical_url": "https://buffer.com/pricing", "by": "country",
                 "items": [{"value": "US", "count": 9}, {"value": "DE", "count": 5}, {"value": "NL", "count": 5}]}
                """));
        assertThat(buckets.asked.get(0)).isEqualTo(new WindowRange(TopologyNames.BREAKDOWN_STORE, CANONICAL, prefix,
                Breakdown.COUNTRY.lastKey(CANONICAL), at("2026-11-01T00:00:00Z"), at("2026-11-02T00:00:00Z"), WindowRange.SumBy.KEY));
        assertThat(bots.get("items").toString()).isEqualTo("[{\"value\":\"unknown\",\"count\":30},{\"value\":\"US\",\"count\":1}]");
    }

    @Test
    void badBreakdownRequestsAreRefusedWithAReason() throws Exception {
        String url = "/v1/breakdown?url=" + q(URL);
        assertError(get(url), 400, "missing_by");
        assertError(get(url + "&by=city"), 400, "invalid_by");
        assertError(get(url + "&by=os&limit=0"), 400, "invalid_limit");
        assertError(get(url + "&by=os&limit=1001"), 400, "invalid_limit");
        assertError(get(url + "&by=os&limit=ten"), 400, "invalid_limit");
        assertError(get(url + "&by=os&from=2020-01-01T00:00:00Z"), 400, "range_outside_retention");
        assertThat(buckets.asked).isEmpty();
    }

    @Test
    void anAnswerFromAStandbyCopySaysSoAndAnUnavailableOneIs503() throws Exception {
        buckets.standbyLag = 3;
        HttpResponse<String> standby = get("/v1/breakdown?url=" + q(URL) + "&by=os");
        assertThat(standby.headers().firstValue("X-Linktally-Source")).hasValue("standby");
        assertThat(standby.headers().firstValue("X-Linktally-Standby-Lag")).hasValue("3");

        buckets.unavailable = true;
        assertError(get("/v1/timeseries?url=" + q(URL) + "&metric=shares&interval=hour"), 503, "not_ready");
    }

    @Test
    void peersReadBucketsOverTheInternalRouteAndBadBodiesAre400() throws Exception {
        buckets.entries = List.of(bucket("2026-11-23T07:00:00Z", new LinkCounts(4, 9, 2)));
        WindowRange range = new WindowRange(TopologyNames.HOURLY_SERIES_STORE, CANONICAL, CANONICAL, CANONICAL, 0, at("2026-11-23T09:00:00Z"),
                WindowRange.SumBy.START);
        String body = JSON.writeValueAsString(java.util.Map.of("range", range, "allow_standby", true));
        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + RemoteCounts.BUCKETS_PATH))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> bad = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + RemoteCounts.BUCKETS_PATH))
                .POST(HttpRequest.BodyPublishers.ofString("{\"range\": {\"store\": \"x\"}}")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(buckets.asked).containsExactly(range);
        assertThat(JSON.readTree(answer.body()).get("entries").get(0).get("counts").get("clicks").asLong()).isEqualTo(9);
        assertError(bad, 400, "invalid_body");
    }

    @Test
    void topLinksAreAskedByWindowMetricAndLimitAndRenderedLargestFirst() throws Exception {
        top.items = List.of(new TopLinksAnswer.Item("https://a.example/", 9), new TopLinksAnswer.Item("https://b.example/", 4));

        HttpResponse<String> response = get("/v1/top?metric=clicks&window=24h&limit=2&bots=true");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body())).isEqualTo(JSON.readTree("""
                {"metric": "clicks", "window": "24h",
                 "items": [{"url": "https://a.example/", "count": 9}, {"url": "https://b.example/", "count": 4}]}
                """));
        assertThat(top.asked).containsExactly("DAY ALL_CLICKS 2");
        get("/v1/top?metric=shares&window=1h");
        get("/v1/top?metric=clicks&window=7d&bots=only&limit=1000");
        get("/v1/top?metric=clicks&window=7d");
        assertThat(top.asked).containsExactly("DAY ALL_CLICKS 2", "HOUR SHARES 10", "WEEK BOT_CLICKS 1000", "WEEK CLICKS 10");
    }

    @Test
    void badTopRequestsAreRefusedWithAReason() throws Exception {
        assertError(get("/v1/top?window=1h"), 400, "missing_metric");
        assertError(get("/v1/top?metric=likes&window=1h"), 400, "invalid_metric");
        assertError(get("/v1/top?metric=shares"), 400, "missing_window");
        assertError(get("/v1/top?metric=shares&window=2h"), 400, "invalid_window");
        assertError(get("/v1/top?metric=shares&window=1h&limit=0"), 400, "invalid_limit");
        assertError(get("/v1/top?metric=clicks&window=1h&bots=yes"), 400, "invalid_bots");
        assertThat(top.asked).isEmpty();
        top.unavailable = true;
        assertError(get("/v1/top?metric=shares&window=1h"), 503, "not_ready");
    }
}
