package io.linktally.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Bytes;

/**
 * The key spaces of the top-links store, one leading byte each, so one store and one changelog
 * hold them all:
 * <ul>
 *   <li>{@code B} width start url: a URL's counts in one bucket, what leaves a window as time passes;
 *   <li>{@code V} url: a URL's counts in every window, and those its index entries were written for;
 *   <li>{@code E} url: the URL's window counts changed since its index entries were written;
 *   <li>{@code I} window metric (max - count) url: the index, largest count first, ties by URL;
 *   <li>{@code C} window: the first bucket still in the window.
 * </ul>
 * The first release kept {@code W} window url and {@code D} window url, one entry and one mark per
 * window: three reads and six writes per event where one read and two writes do. They are folded
 * into {@code V} and {@code E} when a task starts.
 */
public final class TopKeys {
    static final byte BUCKET = 'B';
    static final byte URL_WINDOWS = 'V';
    static final byte URL_DIRTY = 'E';
    static final byte LEGACY_WINDOW = 'W';
    static final byte LEGACY_DIRTY = 'D';
    static final byte INDEX = 'I';
    static final byte CURSOR = 'C';

    private TopKeys() {
    }

    static byte widthTag(TopWindow window) {
        return window.bucketMs == 60_000 ? (byte) 'm' : (byte) 'h';
    }

    static Bytes bucket(TopWindow window, long start, String url) {
        byte[] u = utf8(url);
        return Bytes.wrap(ByteBuffer.allocate(2 + Long.BYTES + u.length).put(BUCKET).put(widthTag(window)).putLong(start).put(u).array());
    }

    /** Before every bucket key of the window's width starting at {@code start} or later. */
    static Bytes bucketsFrom(TopWindow window, long start) {
        return Bytes.wrap(ByteBuffer.allocate(2 + Long.BYTES).put(BUCKET).put(widthTag(window)).putLong(start).array());
    }

    static String bucketUrl(Bytes key) {
        byte[] bytes = key.get();
        return new String(bytes, 2 + Long.BYTES, bytes.length - 2 - Long.BYTES, StandardCharsets.UTF_8);
    }

    static long bucketStart(Bytes key) {
        return ByteBuffer.wrap(key.get(), 2, Long.BYTES).getLong();
    }

    static Bytes urlWindows(String url) {
        return prefixed(URL_WINDOWS, url);
    }

    static Bytes urlDirty(String url) {
        return prefixed(URL_DIRTY, url);
    }

    /** The key of one key space, e.g. {@link #URL_DIRTY}, before all of its keys. */
    static Bytes space(byte space) {
        return Bytes.wrap(new byte[] {space});
    }

    /** The URL of a {@code V} or {@code E} key. */
    static String url(Bytes key) {
        byte[] bytes = key.get();
        return new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_8);
    }

    /** A first-release {@code W} or {@code D} key, for the tests of the fold. */
    static Bytes legacy(byte space, TopWindow window, String url) {
        byte[] u = utf8(url);
        return Bytes.wrap(ByteBuffer.allocate(2 + u.length).put(space).put(window.tag).put(u).array());
    }

    static TopWindow legacyWindow(Bytes key) {
        return ofTag(key.get()[1]);
    }

    static String legacyUrl(Bytes key) {
        byte[] bytes = key.get();
        return new String(bytes, 2, bytes.length - 2, StandardCharsets.UTF_8);
    }

    static Bytes index(TopWindow window, TopMetric metric, long count, String url) {
        byte[] u = utf8(url);
        return Bytes.wrap(ByteBuffer.allocate(3 + Long.BYTES + u.length).put(INDEX).put(window.tag).put(metric.tag)
                .putLong(Long.MAX_VALUE - count).put(u).array());
    }

    /** The prefix of a window's index by one metric, largest count first. */
    public static Bytes indexPrefix(TopWindow window, TopMetric metric) {
        return Bytes.wrap(new byte[] {INDEX, window.tag, metric.tag});
    }

    public static long indexCount(Bytes key) {
        return Long.MAX_VALUE - ByteBuffer.wrap(key.get(), 3, Long.BYTES).getLong();
    }

    public static String indexUrl(Bytes key) {
        byte[] bytes = key.get();
        return new String(bytes, 3 + Long.BYTES, bytes.length - 3 - Long.BYTES, StandardCharsets.UTF_8);
    }

    static Bytes cursor(TopWindow window) {
        return Bytes.wrap(new byte[] {CURSOR, window.tag});
    }

    private static Bytes prefixed(byte space, String url) {
        byte[] u = utf8(url);
        return Bytes.wrap(ByteBuffer.allocate(1 + u.length).put(space).put(u).array());
    }

    private static TopWindow ofTag(byte tag) {
        for (TopWindow window : TopWindow.values()) {
            if (window.tag == tag) {
                return window;
            }
        }
        throw new IllegalStateException("unknown top window tag " + tag);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
