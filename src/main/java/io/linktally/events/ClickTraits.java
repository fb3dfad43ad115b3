package io.linktally.events;

import java.util.Objects;

/**
 * What a click's breakdowns are made of: where it came from, where from on the map, and on what.
 * Every field is a short label, never null; {@code "unknown"} when it cannot be told and, for the
 * referrer, {@code "direct"} when the click named none.
 */
public record ClickTraits(String referrerHost, String country, String browser, String os, String device, boolean bot) {
    public static final String UNKNOWN = "unknown";
    public static final String DIRECT = "direct";
    /** Labels longer than this are cut: they are breakdown keys, and a user agent can say anything. */
    public static final int MAX_LABEL_CHARS = 100;
    /** A person's click of which nothing is known. */
    public static final ClickTraits NONE = new ClickTraits(UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, false);
    /** A bot's click of which nothing else is known. */
    public static final ClickTraits NONE_BOT = new ClickTraits(UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, true);

    public ClickTraits {
        referrerHost = label(referrerHost);
        country = label(country);
        browser = label(browser);
        os = label(os);
        device = label(device);
    }

    /** Control characters would break the stores' key order and the JSON of an answer; they are dropped. */
    private static String label(String value) {
        Objects.requireNonNull(value, "label");
        StringBuilder clean = new StringBuilder(Math.min(value.length(), MAX_LABEL_CHARS));
        for (int i = 0; i < value.length() && clean.length() < MAX_LABEL_CHARS; i++) {
            char c = value.charAt(i);
            if (!Character.isISOControl(c)) {
                clean.append(c);
            }
        }
        return clean.isEmpty() ? UNKNOWN : clean.toString();
    }
}
