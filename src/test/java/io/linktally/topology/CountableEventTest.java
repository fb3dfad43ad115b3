package io.linktally.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.linktally.events.ClickTraits;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class CountableEventTest {
    private static final String TOPIC = "app-events-by-url-repartition";

    private static CountableEvent roundTrip(CountableEvent event) {
        return CountableEvent.SERDE.deserializer().deserialize(TOPIC, CountableEvent.SERDE.serializer().serialize(TOPIC, event));
    }

    @Test
    void sharesAndClicksCrossTheRepartitionWithTheirTimeAndTraits() {
        CountableEvent share = CountableEvent.share("u-1", Instant.parse("2026-11-23T10:00:00.123Z"));
        CountableEvent click = CountableEvent.click("c-ü", Instant.parse("2026-11-23T10:00:00Z"),
                new ClickTraits("t.co", "NL", "Chrome", "Windows", "desktop", false));
        CountableEvent bot = CountableEvent.click(null, null, new ClickTraits("direct", "unknown", "Googlebot", "Other", "bot", true));

        assertThat(roundTrip(share)).isEqualTo(share);
        assertThat(roundTrip(click)).isEqualTo(click);
        assertThat(roundTrip(bot)).isEqualTo(bot);
        assertThat(bot.kind()).isEqualTo(CountableEvent.Kind.BOT_CLICK);
        assertThat(bot.hasId()).isFalse();
        assertThat(bot.timeOr(42)).as("no clicked_at: the record's time").isEqualTo(42);
        assertThat(share.timeOr(42)).isEqualTo(Instant.parse("2026-11-23T10:00:00.123Z").toEpochMilli());
    }

    @Test
    void valuesWrittenBeforeTimesAndTraitsStillRead() {
        var deserializer = CountableEvent.SERDE.deserializer();
        assertThat(deserializer.deserialize(TOPIC, "Su-1".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new CountableEvent(CountableEvent.Kind.SHARE, "u-1", CountableEvent.TIME_OF_RECORD, null));
        assertThat(deserializer.deserialize(TOPIC, "Cc-1".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new CountableEvent(CountableEvent.Kind.CLICK, "c-1", CountableEvent.TIME_OF_RECORD, ClickTraits.NONE));
        assertThat(deserializer.deserialize(TOPIC, "B".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new CountableEvent(CountableEvent.Kind.BOT_CLICK, "", CountableEvent.TIME_OF_RECORD, ClickTraits.NONE_BOT));
    }

    @Test
    void truncatedOrPaddedValuesAreRefusedWithAReason() {
        byte[] whole = CountableEvent.SERDE.serializer().serialize(TOPIC, CountableEvent.click("c-1", null, ClickTraits.NONE));
        var deserializer = CountableEvent.SERDE.deserializer();
        for (int length = 1; length < whole.length; length++) {
            byte[] cut = Arrays.copyOf(whole, length);
            assertThatThrownBy(() -> deserializer.deserialize(TOPIC, cut)).as("cut at %d", length)
                    .isInstanceOf(SerializationException.class).hasMessageContaining("truncated");
        }
        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, Arrays.copyOf(whole, whole.length + 1)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("left over");
        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, new byte[0])).isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, new byte[] {'x'})).isInstanceOf(SerializationException.class)
                .hasMessageContaining("tag");
    }
}
