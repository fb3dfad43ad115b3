package io.linktally.topology;

import io.linktally.events.ClickTraits;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * What crosses the repartition topic: a kind, the event's dedup id, the event's own time and, for
 * a click, its traits. The canonical URL is the record key, so the value stays small however large
 * the original event was.
 *
 * <p>The event time is {@link #TIME_OF_RECORD} when the event did not say: the record's timestamp,
 * which the repartition keeps, stands in. Values written before event times and traits crossed the
 * repartition (an upper-case tag and the id) still read, as that and no traits.
 */
public record CountableEvent(Kind kind, String id, long eventTime, ClickTraits traits) {
    public static final long TIME_OF_RECORD = -1;

    public enum Kind {
        SHARE((byte) 'S'), CLICK((byte) 'C'), BOT_CLICK((byte) 'B');

        private final byte legacyTag;

        Kind(byte legacyTag) {
            this.legacyTag = legacyTag;
        }

        private byte tag() {
            return (byte) Character.toLowerCase(legacyTag);
        }

        static Kind ofTag(byte tag) {
            for (Kind kind : values()) {
                if (kind.legacyTag == tag || kind.tag() == tag) {
                    return kind;
                }
            }
            throw new SerializationException("unknown countable event tag " + tag);
        }

        static boolean isLegacy(byte tag) {
            return Character.isUpperCase(tag);
        }
    }

    public static CountableEvent share(String updateId, Instant createdAt) {
        return new CountableEvent(Kind.SHARE, updateId, timeOf(createdAt), null);
    }

    /** A click; without a click_id ({@code null}) it is counted every time it arrives. */
    public static CountableEvent click(String clickId, Instant clickedAt, ClickTraits traits) {
        return new CountableEvent(traits.bot() ? Kind.BOT_CLICK : Kind.CLICK, clickId == null ? NO_ID : clickId, timeOf(clickedAt), traits);
    }

    private static long timeOf(Instant time) {
        return time == null ? TIME_OF_RECORD : Math.max(0, time.toEpochMilli());
    }

    /** Whether the event carries an id to deduplicate by. */
    public boolean hasId() {
        return !id.isEmpty();
    }

    /** The event's own time, or the record's when the event did not say. */
    public long timeOr(long recordTimestamp) {
        return eventTime == TIME_OF_RECORD ? recordTimestamp : eventTime;
    }

    public boolean isClick() {
        return kind != Kind.SHARE;
    }

    private static final String NO_ID = "";

    public static final Serde<CountableEvent> SERDE = Serdes.serdeFrom(new Serializer<>() {
        @Override
        public byte[] serialize(String topic, CountableEvent event) {
            if (event == null) {
                return null;
            }
            byte[][] fields = event.traits == null
                    ? new byte[][] {utf8(event.id)}
                    : new byte[][] {utf8(event.id), utf8(event.traits.referrerHost()), utf8(event.traits.country()),
                            utf8(event.traits.browser()), utf8(event.traits.os()), utf8(event.traits.device())};
            int size = 1 + Long.BYTES;
            for (byte[] field : fields) {
                size += Short.BYTES + field.length;
            }
            ByteBuffer buffer = ByteBuffer.allocate(size).put(event.kind.tag()).putLong(event.eventTime);
            for (byte[] field : fields) {
                if (field.length > 0xFFFF) {
                    throw new SerializationException("countable event field of " + field.length + " bytes is too long");
                }
                buffer.putShort((short) field.length).put(field);
            }
            return buffer.array();
        }
    }, new Deserializer<>() {
        @Override
        public CountableEvent deserialize(String topic, byte[] bytes) {
            if (bytes == null) {
                return null;
            }
            if (bytes.length < 1) {
                throw new SerializationException("countable event is empty");
            }
            Kind kind = Kind.ofTag(bytes[0]);
            if (Kind.isLegacy(bytes[0])) {
                String id = new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_8);
                return new CountableEvent(kind, id, TIME_OF_RECORD,
                        kind == Kind.SHARE ? null : (kind == Kind.BOT_CLICK ? ClickTraits.NONE_BOT : ClickTraits.NONE));
            }
            try {
                ByteBuffer buffer = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
                long eventTime = buffer.getLong();
                String id = text(buffer);
                ClickTraits traits = kind == Kind.SHARE ? null
                        : new ClickTraits(text(buffer), text(buffer), text(buffer), text(buffer), text(buffer), kind == Kind.BOT_CLICK);
                if (buffer.hasRemaining()) {
                    throw new SerializationException("countable event has " + buffer.remaining() + " bytes left over");
                }
                return new CountableEvent(kind, id, eventTime, traits);
            } catch (BufferUnderflowException e) {
                throw new SerializationException("countable event is truncated", e);
            }
        }
    });

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(ByteBuffer buffer) {
        int length = Short.toUnsignedInt(buffer.getShort());
        if (length > buffer.remaining()) {
            throw new BufferUnderflowException();
        }
        String text = new String(buffer.array(), buffer.position(), length, StandardCharsets.UTF_8);
        buffer.position(buffer.position() + length);
        return text;
    }
}
