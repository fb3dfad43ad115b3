package io.linktally.archive;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** A closed archive object: its key, the offsets it holds and its gzip bytes, ready to store. */
record ArchiveObject(String key, String topic, int partition, long firstOffset, long lastOffset, int records, long uncompressedBytes,
                     byte[] body, ConsumerRecord<byte[], byte[]> first) {
    static final String LAST_OFFSET = "linktally-last-offset";
    static final String RECORDS = "linktally-records";

    /** Stored beside the object so that a writer that lost track learns its end from a HEAD request. */
    Map<String, String> metadata() {
        return Map.of(LAST_OFFSET, Long.toString(lastOffset), RECORDS, Integer.toString(records));
    }

    @Override
    public String toString() {
        return key + " (offsets " + firstOffset + ".." + lastOffset + ", " + records + " records, " + body.length + " bytes)";
    }
}
