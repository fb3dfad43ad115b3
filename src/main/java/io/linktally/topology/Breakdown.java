package io.linktally.topology;

import io.linktally.events.ClickTraits;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The ways clicks are broken down, and how a breakdown entry is keyed in its store:
 * {@code <canonical URL> NUL <dimension tag> NUL <label>}. Every label of one URL and dimension
 * then sits in one key range, read with one range scan per day.
 */
public enum Breakdown {
    REFERRER('r', ClickTraits::referrerHost),
    COUNTRY('c', ClickTraits::country),
    BROWSER('b', ClickTraits::browser),
    OS('o', ClickTraits::os),
    DEVICE('d', ClickTraits::device);

    private static final char SEPARATOR = '\0';
    private final char tag;
    private final Function<ClickTraits, String> label;

    Breakdown(char tag, Function<ClickTraits, String> label) {
        this.tag = tag;
        this.label = label;
    }

    /** The name the API uses: {@code by=country}. */
    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Breakdown> ofApiName(String name) {
        for (Breakdown by : values()) {
            if (by.apiName().equals(name)) {
                return Optional.of(by);
            }
        }
        return Optional.empty();
    }

    String key(String canonicalUrl, ClickTraits traits) {
        return prefix(canonicalUrl) + label.apply(traits);
    }

    /** The first key of the URL's labels in this dimension. */
    public String firstKey(String canonicalUrl) {
        return prefix(canonicalUrl);
    }

    /** Past the last key of the URL's labels in this dimension: the separator after the tag, plus one. */
    public String lastKey(String canonicalUrl) {
        return canonicalUrl + SEPARATOR + tag + (char) (SEPARATOR + 1);
    }

    /** The label of a key in this store. */
    public static String label(String key) {
        return key.substring(key.lastIndexOf(SEPARATOR) + 1);
    }

    private String prefix(String canonicalUrl) {
        return canonicalUrl + SEPARATOR + tag + SEPARATOR;
    }
}
