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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Top links per window: ranking, windows sliding by the wall clock, late events, bots, and cleanup. */
class TopLinksTest {
    // Not the driver's default /tmp/kafka-streams: another build on the machine running the same test
    // would share its store files.
    @TempDir
    Path stateDir;

    private static final Instant T0 = Instant.parse("2026-11-23T10:20:00Z");
    private static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    private static final String CRAWLER = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

    private RocksDbMemory memory;
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> created;
    private TestInputTopic<byte[], byte[]> clicked;
    private KeyValueStore<Bytes, byte[]> store;
    private Instant wallClock = T0;
    private int ids;

    @BeforeEach
    void start() {
        memory = new RocksDbMemory(16L << 20, 4L << 20);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "top-test");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        props.putAll(LinkTopology.requiredConfig(memory));
        driver = new TopologyTestDriver(LinkTopology.build(Duration.ofDays(7), BucketSettings.DEFAULT,
                new ClickEnricher(new UserAgents(), Countries.none()), new ActiveCountStores()), props, T0);
        created = driver.createInputTopic(Topics.LINKS_CREATED, new ByteArraySerializer(), new ByteArraySerializer());
        clicked = driver.createInputTopic(Topics.LINKS_CLICKED, new ByteArraySerializer(), new ByteArraySerializer());
        store = driver.getKeyValueStore(TopologyNames.TOP_STORE);
    }

    @AfterEach
    void stop() {
        driver.close();
        memory.close();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private void shares(String url, int times, Instant at) {
        for (int i = 0; i < times; i++) {
            String id = "u-" + ids++;
            created.pipeInput(new TestRecord<>(bytes(id), bytes("{\"url\":\"" + url + "\",\"update_id\":\"" + id + "\",\"created_at\":\"" + at + "\"}"),
                    wallClock));
        }
    }

    private void clicks(String url, int times, Instant at, String userAgent) {
        for (int i = 0; i < times; i++) {
            String id = "c-" + ids++;
            clicked.pipeInput(new TestRecord<>(bytes(id), bytes("{\"url\":\"" + url + "\",\"click_id\":\"" + id + "\",\"clicked_at\":\"" + at
                    + "\",\"user_agent\":\"" + userAgent + "\"}"), wallClock));
        }
    }

    /** Moves the wall clock on; the top links move with it once a second. */
    private void advanceTo(Instant to) {
        driver.advanceWallClockTime(Duration.between(wallClock, to));
        wallClock = to;
    }

    private void tick() {
        advanceTo(wallClock.plus(TopLinks.INTERVAL));
    }

    private List<Map.Entry<String, Long>> top(TopWindow window, TopMetric metric) {
        List<Map.Entry<String, Long>> top = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> index = store.prefixScan(TopKeys.indexPrefix(window, metric), Serdes.Bytes().serializer())) {
            while (index.hasNext()) {
                Bytes key = index.next().key;
                top.add(Map.entry(TopKeys.indexUrl(key), TopKeys.indexCount(key)));
            }
        }
        return top;
    }

    private long entries(byte space) {
        long count = 0;
        try (KeyValueIterator<Bytes, byte[]> all = store.prefixScan(Bytes.wrap(new byte[] {space}), Serdes.Bytes().serializer())) {
            while (all.hasNext()) {
                all.next();
                count++;
            }
        }
        return count;
    }

    @Test
    void urlsAreRankedByCountLargestFirstTiesByUrlInEveryWindow() {
        shares("https://b.example/", 3, T0);
        shares("https://a.example/", 3, T0.minusSeconds(60));
        shares("https://c.example/", 5, T0.minusSeconds(3600 * 5));
        tick();

        assertThat(top(TopWindow.HOUR, TopMetric.SHARES)).containsExactly(Map.entry("https://a.example/", 3L), Map.entry("https://b.example/", 3L));
        assertThat(top(TopWindow.DAY, TopMetric.SHARES)).containsExactly(Map.entry("https://c.example/", 5L),
                Map.entry("https://a.example/", 3L), Map.entry("https://b.example/", 3L));
        assertThat(top(TopWindow.WEEK, TopMetric.SHARES)).isEqualTo(top(TopWindow.DAY, TopMetric.SHARES));
        assertThat(top(TopWindow.DAY, TopMetric.CLICKS)).isEmpty();
    }

    @Test
    void eventsLeaveEachWindowWhenTheirBucketDoes() {
        shares("https://a.example/", 2, Instant.parse("2026-11-23T10:05:30Z"));
        tick();
        assertThat(top(TopWindow.HOUR, TopMetric.SHARES)).containsExactly(Map.entry("https://a.example/", 2L));

        advanceTo(Instant.parse("2026-11-23T11:04:59Z"));
        assertThat(top(TopWindow.HOUR, TopMetric.SHARES)).as("the 10:05 minute is the window's first").hasSize(1);
        advanceTo(Instant.parse("2026-11-23T11:05:00Z"));
        assertThat(top(TopWindow.HOUR, TopMetric.SHARES)).isEmpty();
        assertThat(top(TopWindow.DAY, TopMetric.SHARES)).containsExactly(Map.entry("https://a.example/", 2L));

        advanceTo(Instant.parse("2026-11-24T09:59:59Z"));
        assertThat(top(TopWindow.DAY, TopMetric.SHARES)).as("the 10:00 hour is the window's first").hasSize(1);
        advanceTo(Instant.parse("2026-11-24T10:00:00Z"));
        assertThat(top(TopWindow.DAY, TopMetric.SHARES)).isEmpty();
        assertThat(top(TopWindow.WEEK, TopMetric.SHARES)).containsExactly(Map.entry("https://a.example/", 2L));

        advanceTo(Instant.parse("2026-11-30T09:59:59Z"));
        assertThat(top(TopWindow.WEEK, TopMetric.SHARES)).hasSize(1);
        advanceTo(Instant.parse("2026-11-30T10:00:00Z"));
        assertThat(top(TopWindow.WEEK, TopMetric.SHARES)).isEmpty();
        assertThat(entries(TopKeys.BUCKET)).as("buckets are deleted once the longest window of their width is past them").isZero();
        assertThat(entries(TopKeys.URL_WINDOWS)).as("window counts of zero are deleted").isZero();
        assertThat(entries(TopKeys.URL_DIRTY)).isZero();
    }

    @Test
    void aLateEventCountsOnlyInTheWindowsThatStillHoldItsBucket() {
        shares("https://late.example/", 1, T0.minus(Duration.ofHours(3)));
        shares("https://old.example/", 1, T0.minus(Duration.ofDays(8)));
        tick();

        assertThat(top(TopWindow.HOUR, TopMetric.SHARES)).isEmpty();
        assertThat(top(TopWindow.DAY, TopMetric.SHARES)).containsExactly(Map.entry("https://late.example/", 1L));
        assertThat(top(TopWindow.WEEK, TopMetric.SHARES)).containsExactly(Map.entry("https://late.example/", 1L));

        advanceTo(T0.plus(Duration.ofDays(8)));
        assertThat(top(TopWindow.WEEK, TopMetric.SHARES)).isEmpty();
        assertThat(entries(TopKeys.BUCKET)).isZero();
    }

    @Test
    void peoplesBotsAndEveryonesClicksAreRankedApart() {
        clicks("https://people.example/", 3, T0, CHROME);
        clicks("https://bots.example/", 4, T0, CRAWLER);
        clicks("https://people.example/", 2, T0, CRAWLER);
        tick();

        assertThat(top(TopWindow.HOUR, TopMetric.CLICKS)).containsExactly(Map.entry("https://people.example/", 3L));
        assertThat(top(TopWindow.HOUR, TopMetric.BOT_CLICKS)).containsExactly(Map.entry("https://bots.example/", 4L),
                Map.entry("https://people.example/", 2L));
        assertThat(top(TopWindow.HOUR, TopMetric.ALL_CLICKS)).containsExactly(Map.entry("https://people.example/", 5L),
                Map.entry("https://bots.example/", 4L));
    }

    @Test
    void theIndexHoldsOneEntryPerUrlAndMetricHoweverOftenItChanged() {
        for (int i = 0; i < 5; i++) {
            shares("https://busy.example/", 20, T0);
            tick();
        }
        shares("https://busy.example/", 1, T0.minus(Duration.ofDays(2)));
        tick();

        assertThat(top(TopWindow.HOUR, TopMetric.SHARES)).containsExactly(Map.entry("https://busy.example/", 100L));
        assertThat(top(TopWindow.WEEK, TopMetric.SHARES)).containsExactly(Map.entry("https://busy.example/", 101L));
        assertThat(entries(TopKeys.INDEX)).as("one entry per window: shares only").isEqualTo(3);
    }

    @Test
    void moreUrlsThanOneChunkLeaveTheWindowTogether() {
        int urls = TopLinks.CHUNK + 50;
        Instant at = Instant.parse("2026-11-23T10:00:10Z");
        for (int i = 0; i < urls; i++) {
            shares("https://many.example/" + i, 1, at);
        }
        tick();
        assertThat(entries(TopKeys.INDEX)).isEqualTo(3L * urls);

        advanceTo(Instant.parse("2026-11-23T11:01:00Z"));
        assertThat(top(TopWindow.HOUR, TopMetric.SHARES)).isEmpty();
        assertThat(entries(TopKeys.INDEX)).isEqualTo(2L * urls);
        assertThat(top(TopWindow.DAY, TopMetric.SHARES).get(0)).isEqualTo(Map.entry("https://many.example/0", 1L));
    }

    @Test
    void theFirstReleasesPerWindowEntriesAreFoldedIntoOnePerUrl() {
        // As the first release left them: a URL with 2 shares in every window, indexed, one window
        // changed to 3 since, and its dirty mark.
        String url = "https://old.example/";
        for (TopWindow window : TopWindow.values()) {
            long current = window == TopWindow.DAY ? 3 : 2;
            store.put(TopKeys.legacy(TopKeys.LEGACY_WINDOW, window, url), legacyValue(new LinkCounts(current, 0, 0), new LinkCounts(2, 0, 0)));
            store.put(TopKeys.index(window, TopMetric.SHARES, 2, url), new byte[0]);
        }
        store.put(TopKeys.legacy(TopKeys.LEGACY_DIRTY, TopWindow.DAY, url), new byte[0]);

        shares(url, 1, T0);
        tick();

        assertThat(top(TopWindow.HOUR, TopMetric.SHARES)).containsExactly(Map.entry(url, 3L));
        assertThat(top(TopWindow.DAY, TopMetric.SHARES)).containsExactly(Map.entry(url, 4L));
        assertThat(top(TopWindow.WEEK, TopMetric.SHARES)).containsExactly(Map.entry(url, 3L));
        assertThat(entries(TopKeys.INDEX)).as("the old index entries were replaced, not left beside the new").isEqualTo(3);
        assertThat(entries(TopKeys.LEGACY_WINDOW)).isZero();
        assertThat(entries(TopKeys.LEGACY_DIRTY)).isZero();
        assertThat(entries(TopKeys.URL_WINDOWS)).isEqualTo(1);
        assertThat(entries(TopKeys.URL_DIRTY)).isZero();
    }

    private static byte[] legacyValue(LinkCounts current, LinkCounts indexed) {
        byte[] a = LinkCounts.SERDE.serializer().serialize(null, current);
        byte[] b = LinkCounts.SERDE.serializer().serialize(null, indexed);
        byte[] value = new byte[a.length + b.length];
        System.arraycopy(a, 0, value, 0, a.length);
        System.arraycopy(b, 0, value, a.length, b.length);
        return value;
    }
}
