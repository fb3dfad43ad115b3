package io.linktally.archive;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** Reads archive objects back, streaming: an object is never held in memory whole. */
public final class ArchiveReader {
    private static final JsonFactory JSON = new JsonFactory();

    private ArchiveReader() {
    }

    /** What to do with each record read. */
    @FunctionalInterface
    public interface RecordHandler {
        void accept(ArchivedRecord record) throws IOException;
    }

    /**
     * Hands each record of the object to {@code each}, in order. A truncated or corrupt object is a
     * {@link CorruptObjectException} naming the object and the last offset read whole.
     */
    public static void forEach(ObjectStore store, String key, RecordHandler each) throws IOException {
        long lastGood = -1;
        try (InputStream raw = store.open(key);
             InputStream gzip = new GZIPInputStream(new BufferedInputStream(raw, 64 * 1024), 64 * 1024);
             JsonParser lines = JSON.createParser(gzip)) {
            JsonToken token;
            while ((token = lines.nextToken()) != null) {
                if (token != JsonToken.START_OBJECT) {
                    throw new CorruptObjectException(key, lastGood, "expected a JSON object per line, found " + token, null);
                }
                ArchivedRecord record = ArchiveLines.read(lines);
                each.accept(record);
                lastGood = record.offset();
            }
        } catch (CorruptObjectException e) {
            throw e;
        } catch (ZipException | JsonProcessingException | java.io.EOFException | ArchiveLines.MalformedLineException e) {
            throw new CorruptObjectException(key, lastGood, e.getMessage(), e);
        }
    }

    /** The object's first record, reading no further than its first line. */
    public static ArchivedRecord first(ObjectStore store, String key) throws IOException {
        try (InputStream raw = store.open(key);
             InputStream gzip = new GZIPInputStream(new BufferedInputStream(raw, 8 * 1024), 8 * 1024);
             JsonParser lines = JSON.createParser(gzip)) {
            if (lines.nextToken() != JsonToken.START_OBJECT) {
                throw new CorruptObjectException(key, -1, "the object holds no records", null);
            }
            return ArchiveLines.read(lines);
        } catch (ZipException | JsonProcessingException | java.io.EOFException | ArchiveLines.MalformedLineException e) {
            throw new CorruptObjectException(key, -1, e.getMessage(), e);
        }
    }

    /** The offset of the object's last record: from its metadata when the store keeps it, else by reading it. */
    public static long lastOffset(ObjectStore store, String key) throws IOException {
        return lastOffset(store, key, store.metadata(key).orElseThrow(() -> new java.nio.file.NoSuchFileException(key)));
    }

    /** As {@link #lastOffset(ObjectStore, String)}, with the object's metadata already fetched. */
    public static long lastOffset(ObjectStore store, String key, java.util.Map<String, String> metadata) throws IOException {
        String recorded = metadata.get(ArchiveObject.LAST_OFFSET);
        if (recorded != null) {
            try {
                return Long.parseLong(recorded);
            } catch (NumberFormatException e) {
                // Not ours, or damaged: the records themselves say.
            }
        }
        long[] last = {-1};
        forEach(store, key, record -> last[0] = record.offset());
        if (last[0] < 0) {
            throw new CorruptObjectException(key, -1, "the object holds no records", null);
        }
        return last[0];
    }

    /** An object that is not a whole archive object. */
    public static final class CorruptObjectException extends IOException {
        private final String key;
        private final long lastGoodOffset;

        CorruptObjectException(String key, long lastGoodOffset, String reason, Throwable cause) {
            super(key + " is corrupt after " + (lastGoodOffset < 0 ? "its start" : "offset " + lastGoodOffset) + ": " + reason, cause);
            this.key = key;
            this.lastGoodOffset = lastGoodOffset;
        }

        public String key() {
            return key;
        }

        /** The last offset read whole, or -1 if none was. */
        public long lastGoodOffset() {
            return lastGoodOffset;
        }
    }
}
