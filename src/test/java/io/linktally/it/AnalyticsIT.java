package io.linktally.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.linktally.events.Topics;
import io.linktally.kafka.KafkaClients;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Time series, breakdowns and top links on a real broker and two instances with a real GeoIP database: every
 * answer, local, forwarded or from a standby copy after one instance dies, equals what this test
 * computes from the events it sent.
 */
class AnalyticsIT {
    private static final String APP = "it-analytics";
    private static final long HOUR_MS = 3_600_000;
    private static final long DAY_MS = 24 * HOUR_MS;

    /** User agents with the labels uap-core gives them; the bot's clicks are counted apart. */
    private record Agent(String userAgent, String browser, String os, String device, boolean bot) {
    }

    private static final List<Agent> AGENTS = List.of(
            new Agent("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                    "Chrome", "Windows", "desktop", false),
            new Agent("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 "
                    + "Mobile/15E148 Safari/604.1", "Mobile Safari", "iOS", "mobile", false),
            new Agent("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox", "Linux", "desktop", false),
            new Agent("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", null, null, "bot", true));
    /** Addresses with the country the GeoLite2 database of the test classpath gives them. */
    private static final Map<String, String> IPS = Map.of("8.8.8.8", "US", "193.0.6.139", "NL", "133.11.0.1", "JP", "203.0.113.7", "unknown");
    private static final Map<String, String> REFERRERS = new LinkedHashMap<>();

    static {
        REFERRERS.put("https://www.twitter.com/some/post", "twitter.com");
        REFERRERS.put("https://t.co/abc", "t.co");
        REFERRERS.put("https://news.ycombinator.com/item?id=1", "news.ycombinator.com");
        REFERRERS.put(null, "direct");
    }

    private record Click(String url, String id, long time, Agent agent, String ip, String referrer) {
    }

    private record Share(String url, String id, long time) {
    }

    private TestBroker broker;
    private final List<ServeProcess> instances = new ArrayList<>();
    private final CountsClient client = new CountsClient();

    @BeforeEach
    void startBroker() {
        broker = TestBroker.start();
    }

    @AfterEach
    void stopAll() {
        instances.forEach(ServeProcess::close);
        broker.close();
    }

    private static Path geoipDatabase() throws Exception {
        Path mmdb = Files.createTempFile(Path.of("target"), "it-geolite2-", ".mmdb");
        try (InputStream in = AnalyticsIT.class.getResourceAsStream("/GeoLite2-Country.mmdb")) {
            Files.copy(in, mmdb, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return mmdb;
    }

    @Test
    void seriesBreakdownsAndTopLinksFromEveryInstanceEqualWhatWasSentAndSurviveLosingOne() throws Exception {
        Path geoip = geoipDatabase();
        for (String name : List.of("analytics-a", "analytics-b")) {
            instances.add(ServeProcess.create(name, broker.bootstrapServers(), Files.createTempDirectory(Path.of("target"), "it-" + name + "-"),
                    APP, "--standby-replicas", "1", "--geoip-db", geoip.toString(), "--bucket-grace", "7d").start());
        }
        instances.forEach(ServeProcess::awaitReady);

        // Events over the last five days, stamped with their own times; they arrive now.
        long now = Instant.now().toEpochMilli();
        long since = Instant.ofEpochMilli(now - 5 * DAY_MS).truncatedTo(ChronoUnit.HOURS).toEpochMilli();
        Random random = new Random(42);
        TopEdges edges = new TopEdges(now);
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            urls.add("https://analytics.example/" + i);
        }
        List<Share> shares = new ArrayList<>();
        List<Click> clicks = new ArrayList<>();
        try (Producer<byte[], byte[]> producer = KafkaClients.eventProducer(broker.bootstrapServers(), "it-analytics")) {
            for (int i = 0; i < 600; i++) {
                Share share = new Share(urls.get(random.nextInt(urls.size())), "u-" + i, edges.awayFromEdges(random, since));
                shares.add(share);
                String json = "{\"url\":\"" + share.url + "\",\"update_id\":\"" + share.id + "\",\"created_at\":\"" + Instant.ofEpochMilli(share.time) + "\"}";
                producer.send(new ProducerRecord<>(Topics.LINKS_CREATED, bytes(share.id), bytes(json)));
            }
            List<String> referrers = new ArrayList<>(REFERRERS.keySet());
            List<String> ips = new ArrayList<>(IPS.keySet());
            for (int i = 0; i < 2400; i++) {
                // Popular URLs take most clicks; one click in ten is a retry with the same click_id.
                String url = urls.get(Math.min(random.nextInt(urls.size()), random.nextInt(urls.size())));
                Click click = i > 0 && random.nextInt(10) == 0 ? clicks.get(random.nextInt(clicks.size()))
                        : new Click(url, "c-" + i, edges.awayFromEdges(random, since), AGENTS.get(random.nextInt(AGENTS.size())),
                                ips.get(random.nextInt(ips.size())), referrers.get(random.nextInt(referrers.size())));
                clicks.add(click);
                String json = "{\"url\":\"" + click.url + "\",\"click_id\":\"" + click.id + "\",\"clicked_at\":\"" + Instant.ofEpochMilli(click.time)
                        + "\",\"ip\":\"" + click.ip + "\",\"user_agent\":\"" + click.agent.userAgent + "\""
                        + (click.referrer == null ? "" : ",\"referrer\":\"" + click.referrer + "\"") + "}";
                producer.send(new ProducerRecord<>(Topics.LINKS_CLICKED, bytes(click.id), bytes(json)));
            }
        }
        Set<String> seen = new HashSet<>();
        List<Click> counted = clicks.stream().filter(click -> seen.add(click.id)).toList();
        await("no lag").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .until(() -> StreamsLag.of(broker.bootstrapServers(), APP) == 0);

        Expected expected = new Expected(shares, counted, since, now, edges);
        for (ServeProcess serve : instances) {
            await("exact series and breakdowns from " + serve.uri("/")).atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .untilAsserted(() -> expected.assertAnswers(client, serve, urls));
            await("exact top links from " + serve.uri("/")).atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .untilAsserted(() -> expected.assertTop(client, serve));
        }
        System.out.printf("AnalyticsIT: %d shares and %d clicks (%d retries) over %d URLs; series, breakdowns and top links exact on both "
                        + "instances (people's clicks in the last hour on %d URLs, the last day %d, the last week %d)%n",
                shares.size(), counted.size(), clicks.size() - counted.size(), urls.size(), expected.top("1h", "clicks", "false").size(),
                expected.top("24h", "clicks", "false").size(), expected.top("7d", "clicks", "false").size());
        assertThat(expected.top("1h", "shares", "false")).as("shares in the last hour, to rank").isNotEmpty();
        assertThat(expected.top("1h", "clicks", "only")).as("bots' clicks in the last hour, to rank").isNotEmpty();

        // The survivor answers every URL again: from its standby copies while the other's session
        // lasts, then as the owner of every partition.
        ServeProcess survivor = instances.get(0);
        instances.get(1).kill();
        await("exact answers from the survivor").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .untilAsserted(() -> expected.assertAnswers(client, survivor, urls));
        await("exact top links from the survivor").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .untilAsserted(() -> expected.assertTop(client, survivor));
    }

    /**
     * Where the top-links windows begin while the test runs: from now until ten minutes on, the
     * hour window's first minute and the day and week windows' first hours. Events are kept clear
     * of those moments, so which window holds an event does not change while the test looks.
     */
    private record TopEdges(long now) {
        private static final long MINUTE_MS = 60_000;
        private static final long MARGIN_MS = 10 * MINUTE_MS;

        long awayFromEdges(Random random, long since) {
            while (true) {
                long time = since + (long) (random.nextDouble() * (now - since));
                if (!near(time, now - now % MINUTE_MS - 59 * MINUTE_MS, MARGIN_MS) && !near(time, now - now % HOUR_MS - 23 * HOUR_MS, HOUR_MS)
                        && !near(time, now - now % HOUR_MS - 7 * DAY_MS + HOUR_MS, HOUR_MS)) {
                    return time;
                }
            }
        }

        /** Whether the time is within the margin of where a window's edge is now or moves to within {@code slide}. */
        private static boolean near(long time, long edge, long slide) {
            return time > edge - MARGIN_MS && time < edge + slide + MARGIN_MS;
        }

        boolean inWindow(long time, String window) {
            return switch (window) {
                case "1h" -> time >= now - now % MINUTE_MS - 59 * MINUTE_MS;
                case "24h" -> time >= now - now % HOUR_MS - 23 * HOUR_MS;
                case "7d" -> time >= now - now % HOUR_MS - 7 * DAY_MS + HOUR_MS;
                default -> throw new IllegalArgumentException(window);
            };
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** What the answers must be, computed from the events sent. */
    private static final class Expected {
        private final Map<String, TreeMap<Long, Long>> hourlyShares = new LinkedHashMap<>();
        private final Map<String, TreeMap<Long, Long>> dailyClicks = new LinkedHashMap<>();
        private final Map<String, TreeMap<Long, Long>> hourlyBotClicks = new LinkedHashMap<>();
        private final Map<String, Map<String, Map<String, Long>>> breakdowns = new LinkedHashMap<>();
        private final long since;
        private final long until;
        private final List<Share> shares;
        private final List<Click> clicks;
        private final TopEdges edges;

        Expected(List<Share> shares, List<Click> clicks, long since, long until, TopEdges edges) {
            this.since = since;
            this.until = until;
            this.shares = shares;
            this.clicks = clicks;
            this.edges = edges;
            for (Share share : shares) {
                hourlyShares.computeIfAbsent(share.url, u -> new TreeMap<>()).merge(share.time - share.time % HOUR_MS, 1L, Long::sum);
            }
            for (Click click : clicks) {
                if (click.agent.bot) {
                    hourlyBotClicks.computeIfAbsent(click.url, u -> new TreeMap<>()).merge(click.time - click.time % HOUR_MS, 1L, Long::sum);
                    continue;
                }
                dailyClicks.computeIfAbsent(click.url, u -> new TreeMap<>()).merge(click.time - click.time % DAY_MS, 1L, Long::sum);
                Map<String, Map<String, Long>> byDimension = breakdowns.computeIfAbsent(click.url, u -> new LinkedHashMap<>());
                byDimension.computeIfAbsent("country", d -> new TreeMap<>()).merge(IPS.get(click.ip), 1L, Long::sum);
                byDimension.computeIfAbsent("referrer", d -> new TreeMap<>()).merge(REFERRERS.get(click.referrer), 1L, Long::sum);
                byDimension.computeIfAbsent("browser", d -> new TreeMap<>()).merge(click.agent.browser, 1L, Long::sum);
                byDimension.computeIfAbsent("os", d -> new TreeMap<>()).merge(click.agent.os, 1L, Long::sum);
                byDimension.computeIfAbsent("device", d -> new TreeMap<>()).merge(click.agent.device, 1L, Long::sum);
            }
        }

        void assertAnswers(CountsClient client, ServeProcess serve, List<String> urls) throws Exception {
            String range = "&from=" + Instant.ofEpochMilli(since) + "&to=" + Instant.ofEpochMilli(until + 1);
            String days = "&from=" + Instant.ofEpochMilli(since - since % DAY_MS) + "&to=" + Instant.ofEpochMilli(until + 1);
            for (String url : urls) {
                String u = URLEncoder.encode(url, StandardCharsets.UTF_8);
                assertThat(series(client.get(serve, "/v1/timeseries?url=" + u + "&metric=shares&interval=hour" + range)))
                        .as("hourly shares of %s", url).isEqualTo(nonZero(hourlyShares.get(url)));
                assertThat(series(client.get(serve, "/v1/timeseries?url=" + u + "&metric=clicks&interval=day" + days)))
                        .as("daily clicks of %s", url).isEqualTo(nonZero(dailyClicks.get(url)));
                assertThat(series(client.get(serve, "/v1/timeseries?url=" + u + "&metric=clicks&bots=only&interval=hour" + range)))
                        .as("hourly bot clicks of %s", url).isEqualTo(nonZero(hourlyBotClicks.get(url)));
                for (String by : List.of("country", "referrer", "browser", "os", "device")) {
                    CountsClient.Answer answer = client.get(serve, "/v1/breakdown?url=" + u + "&by=" + by + "&limit=1000" + days);
                    assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
                    Map<String, Long> items = new TreeMap<>();
                    long previous = Long.MAX_VALUE;
                    for (JsonNode item : answer.body().get("items")) {
                        items.put(item.get("value").asText(), item.get("count").asLong());
                        assertThat(item.get("count").asLong()).as("largest first").isLessThanOrEqualTo(previous);
                        previous = item.get("count").asLong();
                    }
                    assertThat(items).as("%s breakdown of %s", by, url)
                            .isEqualTo(breakdowns.getOrDefault(url, Map.of()).getOrDefault(by, Map.of()));
                }
            }
        }

        /** The whole top list of a window and metric, largest first and ties by URL, as the test computes it. */
        private List<String> top(String window, String metric, String bots) {
            Map<String, Long> counts = new TreeMap<>();
            if (metric.equals("shares")) {
                shares.stream().filter(share -> edges.inWindow(share.time, window)).forEach(share -> counts.merge(share.url, 1L, Long::sum));
            } else {
                clicks.stream().filter(click -> edges.inWindow(click.time, window))
                        .filter(click -> bots.equals("true") || click.agent.bot == bots.equals("only"))
                        .forEach(click -> counts.merge(click.url, 1L, Long::sum));
            }
            return counts.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .map(entry -> entry.getKey() + "=" + entry.getValue()).toList();
        }

        void assertTop(CountsClient client, ServeProcess serve) throws Exception {
            for (String window : List.of("1h", "24h", "7d")) {
                for (String[] metric : List.of(new String[] {"shares", "false"}, new String[] {"clicks", "false"},
                        new String[] {"clicks", "only"}, new String[] {"clicks", "true"})) {
                    CountsClient.Answer answer = client.get(serve, "/v1/top?window=" + window + "&metric=" + metric[0] + "&bots=" + metric[1]
                            + "&limit=1000");
                    assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
                    List<String> items = new ArrayList<>();
                    answer.body().get("items").forEach(item -> items.add(item.get("url").asText() + "=" + item.get("count").asLong()));
                    assertThat(items).as("top %s %s bots=%s", window, metric[0], metric[1]).isEqualTo(top(window, metric[0], metric[1]));
                }
            }
        }

        private static Map<Long, Long> series(CountsClient.Answer answer) {
            assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
            Map<Long, Long> points = new TreeMap<>();
            for (JsonNode point : answer.body().get("points")) {
                if (point.get("count").asLong() != 0) {
                    points.put(Instant.parse(point.get("start").asText()).toEpochMilli(), point.get("count").asLong());
                }
            }
            return points;
        }

        private static Map<Long, Long> nonZero(TreeMap<Long, Long> expected) {
            return expected == null ? Collections.emptyMap() : expected;
        }
    }
}
