package io.linktally.topology;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The counts of a canonical URL in one fixed-size value, so that one store read answers a lookup:
 * shares, clicks by people, and clicks by bots, which are kept apart.
 */
public record LinkCounts(long shares, long clicks, long botClicks) {
    public static final LinkCounts ZERO = new LinkCounts(0, 0, 0);
    private static final int BYTES = 3 * Long.BYTES;
    /** Values written before bots were counted apart: shares and clicks only. */
    private static final int BYTES_WITHOUT_BOTS = 2 * Long.BYTES;

    public LinkCounts(long shares, long clicks) {
        this(shares, clicks, 0);
    }

    public static final Serde<LinkCounts> SERDE = Serdes.serdeFrom(new Serializer<>() {
        @Override
        public byte[] serialize(String topic, LinkCounts counts) {
            return counts == null ? null
                    : ByteBuffer.allocate(BYTES).putLong(counts.shares).putLong(counts.clicks).putLong(counts.botClicks).array();
        }
    }, new Deserializer<>() {
        @Override
        public LinkCounts deserialize(String topic, byte[] bytes) {
            if (bytes == null) {
                return null;
            }
            if (bytes.length != BYTES && bytes.length != BYTES_WITHOUT_BOTS) {
                throw new SerializationException("link counts must be " + BYTES + " bytes, got " + bytes.length);
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            return new LinkCounts(buffer.getLong(), buffer.getLong(), bytes.length == BYTES ? buffer.getLong() : 0);
        }
    });

    public LinkCounts plus(LinkCounts other) {
        return new LinkCounts(shares + other.shares, clicks + other.clicks, botClicks + other.botClicks);
    }

    public boolean isZero() {
        return shares == 0 && clicks == 0 && botClicks == 0;
    }

    public LinkCounts plus(CountableEvent.Kind kind) {
        return switch (kind) {
            case SHARE -> new LinkCounts(shares + 1, clicks, botClicks);
            case CLICK -> new LinkCounts(shares, clicks + 1, botClicks);
            case BOT_CLICK -> new LinkCounts(shares, clicks, botClicks + 1);
        };
    }
}
