package io.linktally.archive;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * An archive object being filled with one partition's records of one hour, gzip-compressed as
 * they arrive so that only compressed bytes are held.
 */
final class ObjectBuffer {
    private static final JsonFactory JSON = new JsonFactory().setRootValueSeparator(null);

    private final String topic;
    private final int partition;
    private final long hour;
    private final long firstOffset;
    private final ConsumerRecord<byte[], byte[]> first;
    private final long openedAtMs;
    private final ByteArrayOutputStream compressed = new ByteArrayOutputStream(64 * 1024);
    private final CountingStream uncompressed;
    private final JsonGenerator lines;
    private long lastOffset = -1;
    private int records;

    ObjectBuffer(ConsumerRecord<byte[], byte[]> first, long openedAtMs, int compressionLevel) {
        this.topic = first.topic();
        this.partition = first.partition();
        this.hour = ObjectKeys.hourOf(first.timestamp());
        this.firstOffset = first.offset();
        this.first = first;
        this.openedAtMs = openedAtMs;
        try {
            this.uncompressed = new CountingStream(new LeveledGzip(compressed, compressionLevel));
            this.lines = JSON.createGenerator(uncompressed, JsonEncoding.UTF8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the record belongs in this object's hour. */
    boolean accepts(ConsumerRecord<byte[], byte[]> record) {
        return ObjectKeys.hourOf(record.timestamp()) == hour;
    }

    void append(ConsumerRecord<byte[], byte[]> record) {
        try {
            ArchiveLines.write(lines, record);
            lines.writeRaw('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        lastOffset = record.offset();
        records++;
    }

    int records() {
        return records;
    }

    /** Line bytes written so far, before compression (up to the generator's small buffer). */
    long uncompressedBytes() {
        return uncompressed.count + lines.getOutputBuffered();
    }

    /** Compressed bytes held now. */
    long heldBytes() {
        return compressed.size();
    }

    long openedAtMs() {
        return openedAtMs;
    }

    ArchiveObject close() {
        try {
            lines.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ArchiveObject(ObjectKeys.key(topic, partition, firstOffset, hour), topic, partition, firstOffset, lastOffset, records,
                uncompressed.count, compressed.toByteArray(), first);
    }

    private static final class LeveledGzip extends GZIPOutputStream {
        LeveledGzip(OutputStream out, int level) throws IOException {
            super(out, 64 * 1024);
            def.setLevel(level);
        }
    }

    private static final class CountingStream extends FilterOutputStream {
        private long count;

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
