package io.linktally.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ClickCodecTest {
    private final ClickCodec codec = new ClickCodec();

    private ClickEvent decode(String json) {
        return codec.decode(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsTheContractsExample() {
        ClickEvent click = decode("""
                {"url": "https://buffer.com/pricing", "clicked_at": "2026-11-23T10:00:00Z", "click_id": "c-789",
                 "ip": "203.0.113.7", "user_agent": "Mozilla/5.0 ...", "referrer": "https://twitter.com/x", "code": "aZ3kP9"}""");

        assertThat(click).isEqualTo(new ClickEvent("https://buffer.com/pricing", "https://buffer.com/pricing", "c-789",
                Instant.parse("2026-11-23T10:00:00Z"), "203.0.113.7", "Mozilla/5.0 ...", "https://twitter.com/x", "aZ3kP9"));
    }

    @Test
    void needsOnlyTheUrl() {
        assertThat(decode("{\"url\":\"HTTPS://WWW.Buffer.com\",\"extra\":[1,2]}"))
                .isEqualTo(new ClickEvent("HTTPS://WWW.Buffer.com", "https://buffer.com/", null, null, null, null, null, null));
        assertThat(decode("{\"url\":\"https://buffer.com\",\"click_id\":null,\"referrer\":\"\",\"clicked_at\":1480431305}"))
                .isEqualTo(new ClickEvent("https://buffer.com", "https://buffer.com/", null, Instant.ofEpochSecond(1480431305), null, null, null, null));
        assertThat(decode("{\"url\":\"https://buffer.com\",\"click_id\":12345678901234567890}").clickId()).isEqualTo("12345678901234567890");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"click_id\":\"c\"}                                   | field 'url' is required",
        "{\"url\":\"ftp://buffer.com\"}                         | field 'url': url must be absolute http or https",
        "{\"url\":\"https://buffer.com\",\"user_agent\":7}      | field 'user_agent' must be a string",
        "{\"url\":\"https://buffer.com\",\"ip\":[\"1.2.3.4\"]} | field 'ip' must be a string",
        "{\"url\":\"https://buffer.com\",\"click_id\":\" \"}    | field 'click_id' is empty",
        "{\"url\":\"https://buffer.com\",\"clicked_at\":\"soon\"} | field 'clicked_at' is neither epoch seconds nor an ISO-8601 instant: 'soon'",
        "{\"url\":\"https://a.com\",\"url\":\"https://b.com\"} | invalid JSON: duplicate field 'url'",
        "[1]                                                   | event must be a JSON object",
    })
    void saysWhichFieldIsWrong(String json, String reason) {
        assertThatThrownBy(() -> decode(json.strip())).isInstanceOf(InvalidEventException.class).hasMessage(reason);
    }

    @Test
    void boundsTheFreeTextFields() {
        String agent = "a".repeat(ClickCodec.MAX_USER_AGENT_CHARS);
        assertThat(decode("{\"url\":\"https://buffer.com\",\"user_agent\":\"" + agent + "\"}").userAgent()).isEqualTo(agent);
        assertThatThrownBy(() -> decode("{\"url\":\"https://buffer.com\",\"user_agent\":\"" + agent + "b\"}"))
                .hasMessage("field 'user_agent' is longer than 2048 characters");
        assertThatThrownBy(() -> decode("{\"url\":\"https://buffer.com\",\"referrer\":\"" + "r".repeat(8193) + "\"}"))
                .hasMessage("field 'referrer' is longer than 8192 characters");
    }

    @Test
    void syntheticClicksAreValidClicks() {
        SyntheticClicks clicks = new SyntheticClicks(3, 1000, 1.1, 0.05, Instant.parse("2026-11-23T10:00:00Z").toEpochMilli());
        int withoutId = 0;
        int repeats = 0;
        for (int i = 0; i < 5_000; i++) {
            SyntheticLinks.Event event = clicks.next();
            ClickEvent click = codec.decode(event.value());
            assertThat(click.canonicalUrl()).startsWith("https://");
            assertThat(click.userAgent()).isNotBlank();
            if (click.clickId() == null) {
                withoutId++;
                assertThat(event.key()).isNull();
            } else {
                assertThat(new String(event.key(), StandardCharsets.UTF_8)).isEqualTo(click.clickId());
            }
            repeats += event.duplicate() ? 1 : 0;
        }
        assertThat(withoutId).isBetween(40, 200);
        assertThat(repeats).isBetween(150, 350);
    }

    @Test
    void syntheticClicksEndingNowStepFromThePastToNow() {
        Instant now = Instant.parse("2026-11-23T10:00:00Z");
        SyntheticClicks clicks = SyntheticClicks.endingAt(3, 1000, 1.1, 0.0, 1_000_000, now.toEpochMilli());
        assertThat(codec.decode(clicks.next().value()).clickedAt()).isEqualTo(now.minusMillis(999_999 * 7));
        assertThat(codec.decode(clicks.next().value()).clickedAt()).isEqualTo(now.minusMillis(999_998 * 7));

        SyntheticClicks few = SyntheticClicks.endingAt(3, 1000, 1.1, 0.0, 2000, now.toEpochMilli());
        Instant last = null;
        for (int i = 0; i < 2000; i++) {
            last = codec.decode(few.next().value()).clickedAt();
        }
        assertThat(last).isEqualTo(now);
    }
}
