package io.linktally.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.linktally.events.DeadLetterHeaders;
import io.linktally.events.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinkTopologyTest {
    // Not the driver's default /tmp/kafka-streams: another build on the machine running the same test
    // would share its store files.
    @TempDir
    Path stateDir;

    private static final Duration RETENTION = Duration.ofDays(7);
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    private RocksDbMemory memory;
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> created;
    private TestInputTopic<byte[], byte[]> clicked;
    private TestOutputTopic<byte[], byte[]> deadLetters;
    private KeyValueStore<String, LinkCounts> counts;

    @BeforeEach
    void start() {
        memory = new RocksDbMemory(16L << 20, 4L << 20);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        // The driver's mock producer loses records sent while deserializing under exactly-once
        // (before its transaction begins); the real-broker ITs cover dead-lettering under exactly-once.
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        props.putAll(LinkTopology.requiredConfig(memory));
        driver = new TopologyTestDriver(LinkTopology.build(RETENTION), props);
        created = driver.createInputTopic(Topics.LINKS_CREATED, new ByteArraySerializer(), new ByteArraySerializer());
        clicked = driver.createInputTopic(Topics.LINKS_CLICKED, new ByteArraySerializer(), new ByteArraySerializer());
        deadLetters = driver.createOutputTopic(Topics.DEAD_LETTER, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        counts = driver.getKeyValueStore(TopologyNames.COUNTS_STORE);
    }

    @AfterEach
    void stop() {
        driver.close();
        memory.close();
    }

    private void share(String url, String updateId, Instant at) {
        created.pipeInput(new TestRecord<>(bytes(updateId), bytes(event(url, updateId)), at));
    }

    private static String event(String url, String updateId) {
        return "{\"url\":\"" + url + "\",\"update_id\":\"" + updateId + "\",\"created_at\":\"1480431305\",\"profile_id\":\"7\"}";
    }

    private long shares(String canonicalUrl) {
        LinkCounts value = counts.get(canonicalUrl);
        return value == null ? 0 : value.shares();
    }

    private static final String BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    private static final String CRAWLER = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

    private void click(String url, String clickId, Instant at) {
        click(url, clickId, at, BROWSER);
    }

    private void click(String url, String clickId, Instant at, String userAgent) {
        String json = "{\"url\":\"" + url + "\",\"clicked_at\":\"" + at + "\""
                + (clickId == null ? "" : ",\"click_id\":\"" + clickId + "\"")
                + ",\"ip\":\"203.0.113.7\",\"user_agent\":\"" + userAgent + "\",\"referrer\":\"https://twitter.com/x\",\"code\":\"aZ3kP9\"}";
        clicked.pipeInput(new TestRecord<>(clickId == null ? null : bytes(clickId), bytes(json), at));
    }

    private long clicks(String canonicalUrl) {
        LinkCounts value = counts.get(canonicalUrl);
        return value == null ? 0 : value.clicks();
    }

    @Test
    void countsClicksUnderTheCanonicalUrlBesideItsShares() {
        share("https://buffer.com/pricing", "u-1", T0);
        click("https://www.buffer.com/pricing?utm_source=x", "c-1", T0);
        click("https://buffer.com/pricing#plans", "c-2", T0.plusSeconds(1));
        click("https://buffer.com/about", "c-3", T0.plusSeconds(2));

        assertThat(counts.get("https://buffer.com/pricing")).isEqualTo(new LinkCounts(1, 2));
        assertThat(counts.get("https://buffer.com/about")).isEqualTo(new LinkCounts(0, 1));
    }

    @Test
    void countsAClickIdOnceWithinTheRetentionAndClicksWithoutOneEveryTime() {
        click("https://buffer.com/", "c-1", T0);
        click("https://buffer.com/", "c-1", T0.plus(Duration.ofDays(6)));
        click("https://buffer.com/", null, T0.plus(Duration.ofDays(6)));
        click("https://buffer.com/", null, T0.plus(Duration.ofDays(6)));
        assertThat(clicks("https://buffer.com/")).isEqualTo(3);

        click("https://buffer.com/", "c-1", T0.plus(Duration.ofDays(12)));
        assertThat(clicks("https://buffer.com/")).as("seen beyond the retention: counted again").isEqualTo(4);
    }

    @Test
    void countsBotClicksApart() {
        click("https://buffer.com/", "c-1", T0);
        click("https://buffer.com/", "c-2", T0, CRAWLER);
        click("https://buffer.com/", "c-2", T0, CRAWLER);
        click("https://buffer.com/", null, T0, "Twitterbot/1.0");
        click("https://buffer.com/", null, T0, "not a browser at all");

        assertThat(counts.get("https://buffer.com/")).isEqualTo(new LinkCounts(0, 2, 2));
    }

    @Test
    void aRetriedClickStaysARepeatEvenIfItsAgentIsClassifiedOtherwise() {
        click("https://buffer.com/", "c-1", T0);
        click("https://buffer.com/", "c-1", T0.plusSeconds(5), CRAWLER);

        assertThat(counts.get("https://buffer.com/")).isEqualTo(new LinkCounts(0, 1, 0));
    }

    @Test
    void aClickIdAndAnUpdateIdOfTheSameValueAreDifferentEvents() {
        share("https://buffer.com/", "42", T0);
        click("https://buffer.com/", "42", T0);
        assertThat(counts.get("https://buffer.com/")).isEqualTo(new LinkCounts(1, 1));
    }

    @Test
    void deadLettersAnInvalidClickWithItsSourceAndReason() {
        clicked.pipeInput(new TestRecord<>(bytes("k"), bytes("{\"click_id\":\"c-9\"}"), T0));
        clicked.pipeInput(new TestRecord<>(bytes("k2"), bytes("{\"url\":\"https://buffer.com/\",\"user_agent\":7}"), T0));
        click("https://buffer.com/", "c-10", T0);

        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(dead).hasSize(2);
        assertThat(header(dead.get(0), DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(Topics.LINKS_CLICKED);
        assertThat(header(dead.get(0), DeadLetterHeaders.REASON)).isEqualTo("field 'url' is required");
        assertThat(header(dead.get(1), DeadLetterHeaders.REASON)).isEqualTo("field 'user_agent' must be a string");
        assertThat(counts.get("https://buffer.com/")).isEqualTo(new LinkCounts(0, 1));
    }

    @Test
    void countsEachShareUnderItsCanonicalUrl() {
        share("https://buffer.com", "1", T0);
        share("https://WWW.Buffer.com/?utm_source=twitter#top", "2", T0);
        share("HTTPS://buffer.com:443/", "3", T0);
        share("http://buffer.com", "4", T0);
        share("https://buffer.com/pricing", "5", T0);

        assertThat(shares("https://buffer.com/")).isEqualTo(3);
        assertThat(shares("http://buffer.com/")).isEqualTo(1);
        assertThat(shares("https://buffer.com/pricing")).isEqualTo(1);
        assertThat(counts.get("https://buffer.com/")).isEqualTo(new LinkCounts(3, 0));
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void countsARepeatedUpdateIdOnceWithinTheRetention() {
        share("https://buffer.com", "42", T0);
        share("https://buffer.com", "42", T0.plusSeconds(1));
        share("https://www.buffer.com/?utm_medium=x", "42", T0.plus(Duration.ofDays(6)));
        share("https://buffer.com", "42", T0.minus(Duration.ofDays(6)));

        assertThat(shares("https://buffer.com/")).isEqualTo(1);
    }

    @Test
    void countsAnUpdateIdAgainOnceTheRetentionHasPassed() {
        share("https://buffer.com", "42", T0);
        // Stream time moves on with other events; the id's bucket outlives a full retention, not much more.
        share("https://other.example/", "x", T0.plus(RETENTION).plus(Duration.ofDays(4)));
        share("https://buffer.com", "42", T0.plus(RETENTION).plus(Duration.ofDays(4)));

        assertThat(shares("https://buffer.com/")).isEqualTo(2);
    }

    @Test
    void countsEachLinkOfAPostThatEmbedsSeveral() {
        share("https://a.example/", "post-1", T0);
        share("https://b.example/", "post-1", T0);
        share("https://a.example/", "post-1", T0);

        assertThat(shares("https://a.example/")).isEqualTo(1);
        assertThat(shares("https://b.example/")).isEqualTo(1);
    }

    @Test
    void deadLettersWhatIsNotALinkCreatedEventWithoutChangingACount() {
        share("https://buffer.com", "1", T0);
        byte[] notUtf8 = {'{', '"', 'u', 'r', 'l', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        byte[] tooLarge = new byte[70_000];
        Arrays.fill(tooLarge, (byte) ' ');
        List<byte[]> poison = List.of(
                bytes("not json"),
                bytes("{\"update_id\":\"2\"}"),
                bytes(event("ftp://buffer.com/", "3")),
                bytes("{\"url\":\"https://buffer.com\",\"update_id\":\"\"}"),
                bytes("[1,2]"),
                notUtf8,
                tooLarge,
                bytes(event("https://buffer.com", "1") + "{}"));
        Headers original = new RecordHeaders().add("trace", bytes("abc"));
        for (byte[] value : poison) {
            created.pipeInput(new TestRecord<>(bytes("key"), value, original, T0));
        }
        created.pipeInput(new TestRecord<>(bytes("k"), null, T0));

        assertThat(shares("https://buffer.com/")).isEqualTo(1);
        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(dead).hasSize(poison.size() + 1);
        for (int i = 0; i < poison.size(); i++) {
            TestRecord<byte[], byte[]> record = dead.get(i);
            assertThat(record.value()).isEqualTo(poison.get(i));
            assertThat(record.key()).isEqualTo(bytes("key"));
            assertThat(header(record, "trace")).isEqualTo("abc");
            assertThat(header(record, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(Topics.LINKS_CREATED);
            assertThat(header(record, DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("0");
            assertThat(header(record, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo(Integer.toString(i + 1));
        }
        assertThat(header(dead.get(0), DeadLetterHeaders.REASON)).startsWith("invalid JSON: ");
        assertThat(header(dead.get(1), DeadLetterHeaders.REASON)).isEqualTo("field 'url' is required");
        assertThat(header(dead.get(2), DeadLetterHeaders.REASON)).isEqualTo("field 'url': url must be absolute http or https");
        assertThat(header(dead.get(3), DeadLetterHeaders.REASON)).isEqualTo("field 'update_id' is empty");
        assertThat(header(dead.get(4), DeadLetterHeaders.REASON)).isEqualTo("event must be a JSON object");
        assertThat(header(dead.get(5), DeadLetterHeaders.REASON)).isEqualTo("event is not valid UTF-8");
        assertThat(header(dead.get(6), DeadLetterHeaders.REASON)).isEqualTo("event is 70000 bytes, more than 65536");
        assertThat(header(dead.get(7), DeadLetterHeaders.REASON)).isEqualTo("unexpected content after the JSON object");
        assertThat(header(dead.get(8), DeadLetterHeaders.REASON)).isEqualTo("empty record");
        assertThat(dead.get(8).value()).isNull();
    }

    @Test
    void keepsCountingAfterPoison() {
        created.pipeInput(new TestRecord<>(null, bytes("{"), T0));
        share("https://buffer.com", "1", T0);
        created.pipeInput(new TestRecord<>(null, bytes("}"), T0));
        share("https://buffer.com", "2", T0);

        assertThat(shares("https://buffer.com/")).isEqualTo(2);
        assertThat(deadLetters.getQueueSize()).isEqualTo(2);
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
