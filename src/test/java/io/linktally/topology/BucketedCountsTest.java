package io.linktally.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.linktally.events.ClickEnricher;
import io.linktally.events.Countries;
import io.linktally.events.Topics;
import io.linktally.events.UserAgents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hourly and daily buckets by the events' own time, their edges, late and early events, and breakdowns. */
class BucketedCountsTest {
    // Not the driver's default /tmp/kafka-streams: another build on the machine running the same test
    // would share its store files.
    @TempDir
    Path stateDir;

    private static final Duration GRACE = Duration.ofHours(1);
    private static final BucketSettings SETTINGS = new BucketSettings(Duration.ofDays(2), Duration.ofDays(10), GRACE);
    private static final String URL = "https://buffer.com/pricing";
    private static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    private static final String IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            + "Version/17.5 Mobile/15E148 Safari/604.1";
    private static final String CRAWLER = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

    private RocksDbMemory memory;
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> created;
    private TestInputTopic<byte[], byte[]> clicked;
    private KeyValueStore<String, LinkCounts> totals;
    private WindowStore<String, LinkCounts> hourly;
    private WindowStore<String, LinkCounts> daily;
    private WindowStore<String, LinkCounts> breakdowns;

    @BeforeEach
    void start() {
        memory = new RocksDbMemory(16L << 20, 4L << 20);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "buckets-test");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        props.putAll(LinkTopology.requiredConfig(memory));
        driver = new TopologyTestDriver(LinkTopology.build(Duration.ofDays(7), SETTINGS,
                new ClickEnricher(new UserAgents(), Countries.none()), new ActiveCountStores()), props);
        created = driver.createInputTopic(Topics.LINKS_CREATED, new ByteArraySerializer(), new ByteArraySerializer());
        clicked = driver.createInputTopic(Topics.LINKS_CLICKED, new ByteArraySerializer(), new ByteArraySerializer());
        totals = driver.getKeyValueStore(TopologyNames.COUNTS_STORE);
        hourly = driver.getWindowStore(TopologyNames.HOURLY_SERIES_STORE);
        daily = driver.getWindowStore(TopologyNames.DAILY_SERIES_STORE);
        breakdowns = driver.getWindowStore(TopologyNames.BREAKDOWN_STORE);
    }

    @AfterEach
    void stop() {
        driver.close();
        memory.close();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A share created at {@code createdAt} (none: the record's time stands in), arriving at {@code arrival}. */
    private void share(String updateId, Instant createdAt, Instant arrival) {
        String json = "{\"url\":\"" + URL + "\",\"update_id\":\"" + updateId + "\""
                + (createdAt == null ? "" : ",\"created_at\":\"" + createdAt + "\"") + "}";
        created.pipeInput(new TestRecord<>(bytes(updateId), bytes(json), arrival));
    }

    private void click(String clickId, Instant clickedAt, Instant arrival, String userAgent, String referrer) {
        String json = "{\"url\":\"" + URL + "\",\"clicked_at\":\"" + clickedAt + "\""
                + (clickId == null ? "" : ",\"click_id\":\"" + clickId + "\"")
                + ",\"ip\":\"203.0.113.7\",\"user_agent\":\"" + userAgent + "\""
                + (referrer == null ? "" : ",\"referrer\":\"" + referrer + "\"") + "}";
        clicked.pipeInput(new TestRecord<>(clickId == null ? null : bytes(clickId), bytes(json), arrival));
    }

    private LinkCounts hour(String start) {
        return bucket(hourly, URL, start);
    }

    private LinkCounts day(String start) {
        return bucket(daily, URL, start);
    }

    private static LinkCounts bucket(WindowStore<String, LinkCounts> store, String key, String start) {
        LinkCounts counts = store.fetch(key, Instant.parse(start).toEpochMilli());
        return counts == null ? LinkCounts.ZERO : counts;
    }

    /** Every label of the URL in the dimension on the day, with its counts. */
    private Map<String, LinkCounts> breakdown(Breakdown by, String day) {
        Map<String, LinkCounts> labels = new HashMap<>();
        Instant start = Instant.parse(day);
        try (KeyValueIterator<Windowed<String>, LinkCounts> entries = breakdowns.fetch(by.firstKey(URL), by.lastKey(URL), start, start)) {
            while (entries.hasNext()) {
                KeyValue<Windowed<String>, LinkCounts> entry = entries.next();
                labels.put(Breakdown.label(entry.key.key()), entry.value);
            }
        }
        return labels;
    }

    @Test
    void sharesAndClicksGoIntoTheHourAndDayOfTheirOwnTimeNotOfTheirArrival() {
        Instant arrival = Instant.parse("2026-11-23T11:00:05Z");
        share("u-1", Instant.parse("2026-11-23T10:59:59Z"), arrival);
        click("c-1", Instant.parse("2026-11-23T10:30:00Z"), arrival, CHROME, null);
        share("u-2", null, arrival);

        assertThat(hour("2026-11-23T10:00:00Z")).isEqualTo(new LinkCounts(1, 1, 0));
        assertThat(hour("2026-11-23T11:00:00Z")).as("no created_at: the record's time").isEqualTo(new LinkCounts(1, 0, 0));
        assertThat(day("2026-11-23T00:00:00Z")).isEqualTo(new LinkCounts(2, 1, 0));
    }

    @Test
    void theEdgesOfHoursAndDaysFallIntoTheBucketThatStartsThere() {
        Instant arrival = Instant.parse("2026-11-23T23:30:00Z");
        share("u-1", Instant.parse("2026-11-23T22:59:59.999Z"), arrival);
        share("u-2", Instant.parse("2026-11-23T23:00:00Z"), arrival);
        share("u-3", Instant.parse("2026-11-23T23:59:59.999Z"), arrival);
        share("u-4", Instant.parse("2026-11-24T00:00:00Z"), arrival);

        assertThat(hour("2026-11-23T22:00:00Z").shares()).isEqualTo(1);
        assertThat(hour("2026-11-23T23:00:00Z").shares()).isEqualTo(2);
        assertThat(hour("2026-11-24T00:00:00Z").shares()).isEqualTo(1);
        assertThat(day("2026-11-23T00:00:00Z").shares()).isEqualTo(3);
        assertThat(day("2026-11-24T00:00:00Z").shares()).isEqualTo(1);
    }

    @Test
    void aLateEventWithinTheGraceGoesIntoItsOwnBucketAndBeyondItIntoNoneThoughItIsCounted() {
        share("u-1", Instant.parse("2026-11-23T12:30:00Z"), Instant.parse("2026-11-23T12:30:00Z"));
        share("u-2", Instant.parse("2026-11-23T11:10:00Z"), Instant.parse("2026-11-23T12:59:59Z"));
        assertThat(hour("2026-11-23T11:00:00Z").shares()).as("hour 11 closes at 12:00 plus an hour of grace").isEqualTo(1);

        share("u-3", Instant.parse("2026-11-23T13:00:00Z"), Instant.parse("2026-11-23T13:00:00Z"));
        share("u-4", Instant.parse("2026-11-23T11:59:00Z"), Instant.parse("2026-11-23T13:00:01Z"));
        assertThat(hour("2026-11-23T11:00:00Z").shares()).as("stream time 13:00: hour 11 is closed").isEqualTo(1);
        assertThat(day("2026-11-23T00:00:00Z").shares()).as("the day is still open").isEqualTo(4);
        assertThat(totals.get(URL).shares()).isEqualTo(4);

        share("u-5", Instant.parse("2026-11-25T01:00:00Z"), Instant.parse("2026-11-25T01:00:00Z"));
        share("u-6", Instant.parse("2026-11-23T20:00:00Z"), Instant.parse("2026-11-25T01:00:01Z"));
        assertThat(day("2026-11-23T00:00:00Z").shares()).as("day 23 closed at the 24th's end plus an hour").isEqualTo(4);
        assertThat(hour("2026-11-23T20:00:00Z").shares()).isZero();
        assertThat(totals.get(URL).shares()).isEqualTo(6);
    }

    @Test
    void anEventStampedMoreThanAnHourAfterItArrivedGoesIntoNoBucketThoughItIsCounted() {
        Instant arrival = Instant.parse("2026-11-23T10:00:00Z");
        share("u-1", Instant.parse("2026-11-23T11:00:00Z"), arrival);
        share("u-2", Instant.parse("2026-11-23T11:00:00.001Z"), arrival);
        share("u-3", Instant.parse("2099-01-01T00:00:00Z"), arrival);

        assertThat(hour("2026-11-23T11:00:00Z").shares()).isEqualTo(1);
        assertThat(bucket(daily, URL, "2099-01-01T00:00:00Z")).isEqualTo(LinkCounts.ZERO);
        assertThat(totals.get(URL).shares()).isEqualTo(3);
    }

    @Test
    void aRepeatedEventGoesIntoItsBucketsOnce() {
        Instant at = Instant.parse("2026-11-23T10:15:00Z");
        share("u-1", at, at);
        share("u-1", at, at.plusSeconds(60));
        click("c-1", at, at, CHROME, "https://twitter.com/x");
        click("c-1", at, at.plusSeconds(60), CHROME, "https://twitter.com/x");
        click(null, at, at, CHROME, "https://twitter.com/x");
        click(null, at, at, CHROME, "https://twitter.com/x");

        assertThat(hour("2026-11-23T10:00:00Z")).isEqualTo(new LinkCounts(1, 3, 0));
        assertThat(breakdown(Breakdown.REFERRER, "2026-11-23T00:00:00Z")).containsExactly(Map.entry("twitter.com", new LinkCounts(0, 3, 0)));
    }

    @Test
    void botClicksAreBucketedApartFromPeoples() {
        Instant at = Instant.parse("2026-11-23T10:15:00Z");
        click("c-1", at, at, CHROME, null);
        click("c-2", at, at, CRAWLER, null);
        click("c-3", at, at, CRAWLER, null);

        assertThat(hour("2026-11-23T10:00:00Z")).isEqualTo(new LinkCounts(0, 1, 2));
        assertThat(day("2026-11-23T00:00:00Z")).isEqualTo(new LinkCounts(0, 1, 2));
        assertThat(breakdown(Breakdown.DEVICE, "2026-11-23T00:00:00Z"))
                .containsOnly(Map.entry("desktop", new LinkCounts(0, 1, 0)), Map.entry("bot", new LinkCounts(0, 0, 2)));
    }

    @Test
    void clicksAreBrokenDownByDayReferrerHostCountryBrowserOsAndDevice() {
        Instant day1 = Instant.parse("2026-11-23T10:00:00Z");
        Instant day2 = Instant.parse("2026-11-24T10:00:00Z");
        click("c-1", day1, day1, CHROME, "https://www.twitter.com/some/post");
        click("c-2", day1, day1, IPHONE, "https://t.co/abc");
        click("c-3", day1, day1, IPHONE, null);
        click("c-4", day2, day2, CHROME, "HTTPS://News.Ycombinator.COM/item?id=1");
        click("c-5", day2, day2, CHROME, "not a url at all");

        String first = "2026-11-23T00:00:00Z";
        assertThat(breakdown(Breakdown.REFERRER, first)).containsOnly(Map.entry("twitter.com", new LinkCounts(0, 1, 0)),
                Map.entry("t.co", new LinkCounts(0, 1, 0)), Map.entry("direct", new LinkCounts(0, 1, 0)));
        assertThat(breakdown(Breakdown.BROWSER, first)).containsOnly(Map.entry("Chrome", new LinkCounts(0, 1, 0)),
                Map.entry("Mobile Safari", new LinkCounts(0, 2, 0)));
        assertThat(breakdown(Breakdown.OS, first)).containsOnly(Map.entry("Windows", new LinkCounts(0, 1, 0)),
                Map.entry("iOS", new LinkCounts(0, 2, 0)));
        assertThat(breakdown(Breakdown.DEVICE, first)).containsOnly(Map.entry("desktop", new LinkCounts(0, 1, 0)),
                Map.entry("mobile", new LinkCounts(0, 2, 0)));
        assertThat(breakdown(Breakdown.COUNTRY, first)).as("no GeoIP database").containsOnly(Map.entry("unknown", new LinkCounts(0, 3, 0)));

        String second = "2026-11-24T00:00:00Z";
        assertThat(breakdown(Breakdown.REFERRER, second)).containsOnly(Map.entry("news.ycombinator.com", new LinkCounts(0, 1, 0)),
                Map.entry("unknown", new LinkCounts(0, 1, 0)));
    }
}
