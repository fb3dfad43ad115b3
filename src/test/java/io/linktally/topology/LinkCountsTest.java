package io.linktally.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class LinkCountsTest {
    @Test
    void roundTripsEveryCount() {
        LinkCounts counts = new LinkCounts(90_000_000_000L, 7, 3);
        byte[] bytes = LinkCounts.SERDE.serializer().serialize("t", counts);
        assertThat(bytes).hasSize(24);
        assertThat(LinkCounts.SERDE.deserializer().deserialize("t", bytes)).isEqualTo(counts);
    }

    @Test
    void readsValuesWrittenBeforeBotsWereCountedApart() {
        byte[] old = ByteBuffer.allocate(16).putLong(42).putLong(7).array();
        assertThat(LinkCounts.SERDE.deserializer().deserialize("t", old)).isEqualTo(new LinkCounts(42, 7, 0));
    }

    @Test
    void refusesAnyOtherSize() {
        assertThatThrownBy(() -> LinkCounts.SERDE.deserializer().deserialize("t", new byte[20])).isInstanceOf(SerializationException.class)
                .hasMessage("link counts must be 24 bytes, got 20");
    }

    @Test
    void eachKindAddsToItsOwnCount() {
        assertThat(LinkCounts.ZERO.plus(CountableEvent.Kind.SHARE).plus(CountableEvent.Kind.CLICK).plus(CountableEvent.Kind.BOT_CLICK)
                .plus(CountableEvent.Kind.BOT_CLICK)).isEqualTo(new LinkCounts(1, 1, 2));
    }
}
