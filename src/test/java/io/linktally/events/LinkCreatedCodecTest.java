package io.linktally.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class LinkCreatedCodecTest {
    private static final String SPEC_EXAMPLE =
            "{\"url\": \"https://buffer.com\", \"created_at\": \"1480431305\", \"update_id\": \"123456\", \"profile_id\": \"654321\"}";

    private final LinkCreatedCodec codec = new LinkCreatedCodec();

    private LinkCreated decode(String json) {
        return codec.decode(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String event(String createdAtMember) {
        return "{\"url\": \"https://buffer.com\", " + createdAtMember + "\"update_id\": \"123456\"}";
    }

    // ------------------------------------------------------------------ valid events

    @Test
    void specExampleDecodesToTheExactRecord() {
        assertThat(decode(SPEC_EXAMPLE)).isEqualTo(new LinkCreated(
                "https://buffer.com", "https://buffer.com/", "123456", Instant.ofEpochSecond(1480431305), "654321"));
    }

    @Test
    void urlIsKeptAsSentBesideItsCanonicalForm() {
        LinkCreated event = decode("{\"url\": \"HTTPS://www.Buffer.com/pricing?utm_source=x#top\", \"update_id\": \"1\"}");

        assertThat(event.url()).isEqualTo("HTTPS://www.Buffer.com/pricing?utm_source=x#top");
        assertThat(event.canonicalUrl()).isEqualTo("https://buffer.com/pricing");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "'\"created_at\": \"1480431305\", '             | 2016-11-29T14:55:05Z",
        "'\"created_at\": \" 1480431305 \", '           | 2016-11-29T14:55:05Z",
        "'\"created_at\": 1480431305, '                 | 2016-11-29T14:55:05Z",
        "'\"created_at\": \"2016-11-29T14:55:05Z\", '   | 2016-11-29T14:55:05Z",
        "'\"created_at\": \"2016-11-29T15:55:05+01:00\", ' | 2016-11-29T14:55:05Z",
        "'\"created_at\": \"2016-11-29T14:55:05.250Z\", ' | 2016-11-29T14:55:05.250Z",
        "'\"created_at\": 0, '                          | 1970-01-01T00:00:00Z",
    })
    void createdAtIsEpochSecondsOrAnIsoInstant(String member, String expected) {
        assertThat(decode(event(member)).createdAt()).isEqualTo(Instant.parse(expected));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"", "\"created_at\": null, "})
    void absentOrNullCreatedAtIsNull(String member) {
        assertThat(decode(event(member)).createdAt()).isNull();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "123456                    | 123456",
        "0                         | 0",
        "98765432109876543210987   | 98765432109876543210987",
    })
    void integerUpdateIdIsItsDecimalText(String json, String expected) {
        LinkCreated event = decode("{\"url\": \"https://buffer.com\", \"update_id\": " + json + "}");

        assertThat(event.updateId()).isEqualTo(expected);
    }

    @Test
    void profileIdIsOptionalAndMayBeNullOrAnInteger() {
        assertThat(decode("{\"url\": \"https://buffer.com\", \"update_id\": \"1\"}").profileId()).isNull();
        assertThat(decode("{\"url\": \"https://buffer.com\", \"update_id\": \"1\", \"profile_id\": null}").profileId()).isNull();
        assertThat(decode("{\"url\": \"https://buffer.com\", \"update_id\": \"1\", \"profile_id\": 654321}").profileId()).isEqualTo("654321");
    }

    @Test
    void unknownFieldsAreIgnoredWhateverTheirShape() {
        String json = "{\"text\": \"look\", \"media\": {\"url\": \"ftp://not-this\", \"sizes\": [1, {\"update_id\": \"\"}]},"
                + " \"url\": \"https://buffer.com\", \"tags\": [[], [\"a\", null]], \"score\": 1.5, \"draft\": false,"
                + " \"update_id\": \"123456\", \"extra\": null}";

        assertThat(decode(json)).isEqualTo(new LinkCreated("https://buffer.com", "https://buffer.com/", "123456", null, null));
    }

    @Test
    void fieldOrderDoesNotMatter() {
        assertThat(decode("{\"profile_id\": \"654321\", \"update_id\": \"123456\", \"created_at\": \"1480431305\", \"url\": \"https://buffer.com\"}"))
                .isEqualTo(decode(SPEC_EXAMPLE));
    }

    @Test
    void eventsUpToTheSizeLimitAreAccepted() {
        String prefix = "{\"url\": \"https://buffer.com\", \"update_id\": \"1\", \"pad\": \"";
        String json = prefix + "x".repeat(LinkCreatedCodec.MAX_EVENT_BYTES - prefix.length() - 2) + "\"}";

        assertThat(json.getBytes(StandardCharsets.UTF_8)).hasSize(LinkCreatedCodec.MAX_EVENT_BYTES);
        assertThat(decode(json).updateId()).isEqualTo("1");
    }

    @Test
    void urlOfExactlyTheLimitIsAccepted() {
        String url = "https://buffer.com/" + "a".repeat(LinkCreatedCodec.MAX_URL_BYTES - "https://buffer.com/".length());

        assertThat(decode("{\"url\": \"" + url + "\", \"update_id\": \"1\"}").url()).isEqualTo(url);
    }

    @Test
    void updateIdOfExactlyTheLimitIsAccepted() {
        String id = "i".repeat(LinkCreatedCodec.MAX_ID_CHARS);

        assertThat(decode("{\"url\": \"https://buffer.com\", \"update_id\": \"" + id + "\"}").updateId()).isEqualTo(id);
    }

    // ------------------------------------------------------------------ rejections

    static Stream<Arguments> rejectedEvents() {
        String url = "\"url\": \"https://buffer.com\"";
        String id = "\"update_id\": \"123456\"";
        return Stream.of(
                Arguments.of("not an object (array)", "[" + "{" + url + ", " + id + "}]", "event must be a JSON object"),
                Arguments.of("not an object (string)", "\"https://buffer.com\"", "event must be a JSON object"),
                Arguments.of("not an object (number)", "42", "event must be a JSON object"),
                Arguments.of("whitespace only", "   \n", "event must be a JSON object"),
                Arguments.of("trailing object", "{" + url + ", " + id + "} {}", "unexpected content after the JSON object"),
                Arguments.of("trailing number", "{" + url + ", " + id + "} 1", "unexpected content after the JSON object"),
                Arguments.of("missing url", "{" + id + "}", "field 'url' is required"),
                Arguments.of("null url", "{\"url\": null, " + id + "}", "field 'url' must be a string"),
                Arguments.of("numeric url", "{\"url\": 42, " + id + "}", "field 'url' must be a string"),
                Arguments.of("object url", "{\"url\": {\"href\": \"https://buffer.com\"}, " + id + "}", "field 'url' must be a string"),
                Arguments.of("empty url", "{\"url\": \"\", " + id + "}", "field 'url' is empty"),
                Arguments.of("blank url", "{\"url\": \"   \", " + id + "}", "field 'url' is empty"),
                Arguments.of("ftp url", "{\"url\": \"ftp://buffer.com/x\", " + id + "}", "field 'url': url must be absolute http or https"),
                Arguments.of("relative url", "{\"url\": \"/pricing\", " + id + "}", "field 'url': url must be absolute http or https"),
                Arguments.of("javascript url", "{\"url\": \"javascript:alert(1)\", " + id + "}", "field 'url': url must be absolute http or https"),
                Arguments.of("url without host", "{\"url\": \"https:///pricing\", " + id + "}", "field 'url': url has no host"),
                Arguments.of("missing update_id", "{" + url + "}", "field 'update_id' is required"),
                Arguments.of("null update_id", "{" + url + ", \"update_id\": null}", "field 'update_id' must be a string or an integer"),
                Arguments.of("fractional update_id", "{" + url + ", \"update_id\": 1.5}", "field 'update_id' must be a string or an integer"),
                Arguments.of("empty update_id", "{" + url + ", \"update_id\": \"\"}", "field 'update_id' is empty"),
                Arguments.of("blank update_id", "{" + url + ", \"update_id\": \"  \"}", "field 'update_id' is empty"),
                Arguments.of("too long update_id", "{" + url + ", \"update_id\": \"" + "i".repeat(257) + "\"}",
                        "field 'update_id' is longer than 256 characters"),
                Arguments.of("object profile_id", "{" + url + ", " + id + ", \"profile_id\": {}}", "field 'profile_id' must be a string or an integer"),
                Arguments.of("created_at word", "{" + url + ", " + id + ", \"created_at\": \"yesterday\"}",
                        "field 'created_at' is neither epoch seconds nor an ISO-8601 instant: 'yesterday'"),
                Arguments.of("created_at local time", "{" + url + ", " + id + ", \"created_at\": \"2016-11-29T14:55:05\"}",
                        "field 'created_at' is neither epoch seconds nor an ISO-8601 instant: '2016-11-29T14:55:05'"),
                Arguments.of("created_at long text", "{" + url + ", " + id + ", \"created_at\": \"" + "y".repeat(50) + "\"}",
                        "field 'created_at' is neither epoch seconds nor an ISO-8601 instant: '" + "y".repeat(40) + "...'"),
                Arguments.of("created_at fraction", "{" + url + ", " + id + ", \"created_at\": 1480431305.5}",
                        "field 'created_at' must be epoch seconds or an ISO-8601 instant"),
                Arguments.of("created_at boolean", "{" + url + ", " + id + ", \"created_at\": true}",
                        "field 'created_at' must be epoch seconds or an ISO-8601 instant"),
                Arguments.of("created_at negative", "{" + url + ", " + id + ", \"created_at\": -1}",
                        "field 'created_at' is out of range: -1"),
                Arguments.of("created_at after year 9999", "{" + url + ", " + id + ", \"created_at\": \"253402300800\"}",
                        "field 'created_at' is out of range: 253402300800"),
                Arguments.of("created_at beyond a long", "{" + url + ", " + id + ", \"created_at\": 99999999999999999999}",
                        "field 'created_at' is out of range: 99999999999999999999"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejectedEvents")
    void rejectsWithTheExactReason(String description, String json, String reason) {
        assertThatThrownBy(() -> decode(json))
                .isExactlyInstanceOf(InvalidEventException.class)
                .hasMessage(reason);
    }

    @Test
    void rejectsNullAndEmptyBytes() {
        assertThatThrownBy(() -> codec.decode(null)).isInstanceOf(InvalidEventException.class).hasMessage("empty record");
        assertThatThrownBy(() -> codec.decode(new byte[0])).isInstanceOf(InvalidEventException.class).hasMessage("empty record");
    }

    @Test
    void rejectsEventsOverTheSizeLimit() {
        byte[] bytes = new byte[LinkCreatedCodec.MAX_EVENT_BYTES + 1];
        java.util.Arrays.fill(bytes, (byte) ' ');

        assertThatThrownBy(() -> codec.decode(bytes))
                .isInstanceOf(InvalidEventException.class)
                .hasMessage("event is 65537 bytes, more than 65536");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ff", "c328", "e28228", "eda080", "c0af"})
    void rejectsBytesThatAreNotUtf8(String badHex) {
        String json = "{\"url\": \"https://buffer.com/\", \"update_id\": \"X\"}";
        byte[] good = json.getBytes(StandardCharsets.UTF_8);
        byte[] bad = java.util.HexFormat.of().parseHex(badHex);
        int at = json.indexOf('X');
        byte[] bytes = new byte[good.length - 1 + bad.length];
        System.arraycopy(good, 0, bytes, 0, at);
        System.arraycopy(bad, 0, bytes, at, bad.length);
        System.arraycopy(good, at + 1, bytes, at + bad.length, good.length - at - 1);

        assertThatThrownBy(() -> codec.decode(bytes))
                .isInstanceOf(InvalidEventException.class)
                .hasMessage("event is not valid UTF-8");
    }

    @Test
    void rejectsUrlsLongerThan8KiB() {
        String url = "https://buffer.com/" + "a".repeat(LinkCreatedCodec.MAX_URL_BYTES - "https://buffer.com/".length() + 1);

        assertThatThrownBy(() -> decode("{\"url\": \"" + url + "\", \"update_id\": \"1\"}"))
                .isInstanceOf(InvalidEventException.class)
                .hasMessage("field 'url': url is longer than 8192 bytes");
    }

    @Test
    void urlLimitCountsUtf8BytesNotCharacters() {
        // 4096 two-byte characters: 8192 bytes of path alone, so the URL is over the limit
        String url = "https://buffer.com/" + "é".repeat(4096);

        assertThatThrownBy(() -> decode("{\"url\": \"" + url + "\", \"update_id\": \"1\"}"))
                .isInstanceOf(InvalidEventException.class)
                .hasMessage("field 'url': url is longer than 8192 bytes");
    }

    @Test
    void ignoresADuplicatedUnknownFieldLikeAnyUnknownField() {
        LinkCreated event = decode("{\"url\": \"https://buffer.com\", \"update_id\": \"1\", \"text\": \"a\", \"text\": \"b\"}");

        assertThat(event.updateId()).isEqualTo("1");
    }

    @Test
    void rejectsANulByte() {
        byte[] bytes = "{\"url\": \"https://buffer.com\", \"update_id\": \"1\"}\u0000".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> new LinkCreatedCodec().decode(bytes))
                .isInstanceOf(InvalidEventException.class)
                .hasMessage("event contains a NUL byte");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"url", "update_id", "created_at", "profile_id"})
    void rejectsDuplicateFields(String field) {
        String json = "{\"url\": \"https://buffer.com\", \"update_id\": \"1\", \"created_at\": 1, \"profile_id\": \"2\", \"text\": \"t\", \""
                + field + "\": \"3\"}";

        assertThatThrownBy(() -> decode(json))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageStartingWith("invalid JSON: ")
                .hasMessageContaining(field);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "{\"url\": \"https://buffer.com\", \"update_id\": \"1\"",
        "{\"url\": \"https://buffer.com\" \"update_id\": \"1\"}",
        "{'url': 'https://buffer.com', 'update_id': '1'}",
        "{\"url\": \"https://buffer.com\", \"update_id\": \"1\",}",
        "{\"url\": \"https://buffer.com\", \"update_id\": \"1\"} x",
        "{\"url\": \"https://buffer.com\", \"update_id\": \"1\", \"x\": [1, 2}",
        "{\"url\": \"https://buf",
        "nul",
    })
    void malformedJsonIsInvalidJsonWithoutRedactedSource(String json) {
        assertThatThrownBy(() -> decode(json))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageStartingWith("invalid JSON: ")
                .message().doesNotContain("REDACTED").doesNotContain("Source:");
    }
}
