package io.linktally.query;

import java.util.Objects;

/**
 * A read of one URL's entries in a bucket store: the keys from {@code keyFrom} to {@code keyTo}
 * and bucket starts from {@code from} to {@code to}, both inclusive, summed by bucket start (a
 * time series) or by key (a breakdown). The URL decides which partition, and so which instance,
 * holds the entries.
 */
public record WindowRange(String store, String url, String keyFrom, String keyTo, long from, long to, SumBy sumBy) {
    public enum SumBy { START, KEY }

    public WindowRange {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(keyFrom, "keyFrom");
        Objects.requireNonNull(keyTo, "keyTo");
        Objects.requireNonNull(sumBy, "sumBy");
        if (from > to) {
            throw new IllegalArgumentException("a window range must not end before it starts");
        }
    }
}
