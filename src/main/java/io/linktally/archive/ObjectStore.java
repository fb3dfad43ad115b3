package io.linktally.archive;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where archive objects live: an S3 bucket and prefix, or a directory. Keys are relative to that
 * root and use {@code /} as the separator on both.
 */
public interface ObjectStore extends AutoCloseable {

    /**
     * Stores {@code body} under {@code key} unless an object is already there, atomically: a
     * reader sees the whole object or none of it. Returns false, storing nothing, if one was there.
     */
    boolean putIfAbsent(String key, byte[] body, Map<String, String> metadata) throws IOException;

    /** The object's user metadata, empty if it has none; absent if there is no such object. */
    Optional<Map<String, String>> metadata(String key) throws IOException;

    /** The object's bytes, streamed. */
    InputStream open(String key) throws IOException;

    /** Every object whose key starts with {@code prefix}, in key order, a page at a time. */
    default void list(String prefix, Consumer<StoredObject> each) throws IOException {
        list(prefix, "", each);
    }

    /** As {@link #list(String, Consumer)}, only the keys after {@code startAfter} (none skipped when empty). */
    void list(String prefix, String startAfter, Consumer<StoredObject> each) throws IOException;

    /** Where this store points, for log lines. */
    String describe();

    @Override
    void close();

    record StoredObject(String key, long size) {
    }
}
