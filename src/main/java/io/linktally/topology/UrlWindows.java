package io.linktally.topology;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.utils.ByteUtils;

/**
 * One URL's counts in every top-links window: what the window holds now, and what its index
 * entries were last written for. One entry per URL, so an event reads and writes it once however
 * many windows it enters. Counts travel as zigzag varints: most are small.
 */
final class UrlWindows {
    private static final int FIELDS = 3;
    private static final int PER_WINDOW = 2 * FIELDS;
    private static final TopWindow[] WINDOWS = TopWindow.values();

    private final long[] counts = new long[WINDOWS.length * PER_WINDOW];

    static UrlWindows decode(byte[] value) {
        UrlWindows windows = new UrlWindows();
        if (value == null) {
            return windows;
        }
        ByteBuffer buffer = ByteBuffer.wrap(value);
        try {
            for (int i = 0; i < windows.counts.length; i++) {
                windows.counts[i] = ByteUtils.readVarlong(buffer);
            }
        } catch (RuntimeException e) {
            throw new SerializationException("top-links window counts of " + value.length + " bytes are not readable", e);
        }
        return windows;
    }

    byte[] encode() {
        ByteBuffer buffer = ByteBuffer.allocate(counts.length * 10);
        for (long count : counts) {
            ByteUtils.writeVarlong(count, buffer);
        }
        byte[] bytes = new byte[buffer.position()];
        buffer.flip().get(bytes);
        return bytes;
    }

    LinkCounts current(TopWindow window) {
        return read(window.ordinal() * PER_WINDOW);
    }

    LinkCounts indexed(TopWindow window) {
        return read(window.ordinal() * PER_WINDOW + FIELDS);
    }

    void add(TopWindow window, LinkCounts delta) {
        int at = window.ordinal() * PER_WINDOW;
        counts[at] += delta.shares();
        counts[at + 1] += delta.clicks();
        counts[at + 2] += delta.botClicks();
    }

    void setIndexed(TopWindow window, LinkCounts indexed) {
        int at = window.ordinal() * PER_WINDOW + FIELDS;
        counts[at] = indexed.shares();
        counts[at + 1] = indexed.clicks();
        counts[at + 2] = indexed.botClicks();
    }

    /** Every window's index entries now stand for its current counts. */
    void indexAll() {
        for (TopWindow window : WINDOWS) {
            setIndexed(window, current(window));
        }
    }

    boolean isEmpty() {
        for (long count : counts) {
            if (count != 0) {
                return false;
            }
        }
        return true;
    }

    private LinkCounts read(int at) {
        return new LinkCounts(counts[at], counts[at + 1], counts[at + 2]);
    }
}
