package io.linktally.archive;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.record.TimestampType;

/** One Kafka record as the archive keeps it: everything a replay needs to publish it again byte for byte. */
public record ArchivedRecord(String topic, int partition, long offset, long timestamp, TimestampType timestampType,
                             byte[] key, byte[] value, List<Header> headers) {

    /** A record header; Kafka allows repeated names and null values, and so does the archive. */
    public record Header(String key, byte[] value) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Header other && key.equals(other.key) && Arrays.equals(value, other.value);
        }

        @Override
        public int hashCode() {
            return 31 * key.hashCode() + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return key + "=" + (value == null ? "null" : value.length + " bytes");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ArchivedRecord other && topic.equals(other.topic) && partition == other.partition && offset == other.offset
                && timestamp == other.timestamp && timestampType == other.timestampType && Arrays.equals(key, other.key)
                && Arrays.equals(value, other.value) && headers.equals(other.headers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, partition, offset, timestamp);
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
