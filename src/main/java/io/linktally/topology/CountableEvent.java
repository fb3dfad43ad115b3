package io.linktally.topology;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * What crosses the repartition topic: a kind tag and the event's dedup id, nothing more. The
 * canonical URL is the record key and the event time the record timestamp, so the value stays a
 * few bytes however large the original event was.
 */
public record CountableEvent(Kind kind, String id) {
    public enum Kind {
        SHARE((byte) 'S'), CLICK((byte) 'C'), BOT_CLICK((byte) 'B');

        private final byte tag;

        Kind(byte tag) {
            this.tag = tag;
        }

        static Kind ofTag(byte tag) {
            for (Kind kind : values()) {
                if (kind.tag == tag) {
                    return kind;
                }
            }
            throw new SerializationException("unknown countable event tag " + tag);
        }
    }

    public static CountableEvent share(String updateId) {
        return new CountableEvent(Kind.SHARE, updateId);
    }

    /** A click, by a bot or not; without a click_id ({@code null}) it is counted every time it arrives. */
    public static CountableEvent click(String clickId, boolean bot) {
        return new CountableEvent(bot ? Kind.BOT_CLICK : Kind.CLICK, clickId == null ? NO_ID : clickId);
    }

    /** Whether the event carries an id to deduplicate by. */
    public boolean hasId() {
        return !id.isEmpty();
    }

    private static final String NO_ID = "";

    public static final Serde<CountableEvent> SERDE = Serdes.serdeFrom(new Serializer<>() {
        @Override
        public byte[] serialize(String topic, CountableEvent event) {
            if (event == null) {
                return null;
            }
            byte[] id = event.id.getBytes(StandardCharsets.UTF_8);
            byte[] bytes = new byte[id.length + 1];
            bytes[0] = event.kind.tag;
            System.arraycopy(id, 0, bytes, 1, id.length);
            return bytes;
        }
    }, new Deserializer<>() {
        @Override
        public CountableEvent deserialize(String topic, byte[] bytes) {
            if (bytes == null) {
                return null;
            }
            if (bytes.length < 1) {
                throw new SerializationException("countable event too short: " + Arrays.toString(bytes));
            }
            return new CountableEvent(Kind.ofTag(bytes[0]), new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_8));
        }
    });
}
