package io.linktally.topology;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** Both counts of a canonical URL in one fixed-size value: one store read answers a lookup. */
public record LinkCounts(long shares, long clicks) {
    public static final LinkCounts ZERO = new LinkCounts(0, 0);
    private static final int BYTES = 2 * Long.BYTES;

    public static final Serde<LinkCounts> SERDE = Serdes.serdeFrom(new Serializer<>() {
        @Override
        public byte[] serialize(String topic, LinkCounts counts) {
            return counts == null ? null : ByteBuffer.allocate(BYTES).putLong(counts.shares).putLong(counts.clicks).array();
        }
    }, new Deserializer<>() {
        @Override
        public LinkCounts deserialize(String topic, byte[] bytes) {
            if (bytes == null) {
                return null;
            }
            if (bytes.length != BYTES) {
                throw new SerializationException("link counts must be " + BYTES + " bytes, got " + bytes.length);
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            return new LinkCounts(buffer.getLong(), buffer.getLong());
        }
    });

    public LinkCounts plus(CountableEvent.Kind kind) {
        return switch (kind) {
            case SHARE -> new LinkCounts(shares + 1, clicks);
            case CLICK -> new LinkCounts(shares, clicks + 1);
        };
    }
}
