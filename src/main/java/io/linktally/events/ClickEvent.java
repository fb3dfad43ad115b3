package io.linktally.events;

import java.time.Instant;
import java.util.Objects;

/**
 * Someone followed a link, validated. {@code clickId} is null when the event has none, and then the
 * click is not deduplicated; {@code clickedAt} is null when absent, and the record's timestamp
 * stands in. The rest is what breakdowns are made of, each null when absent.
 */
public record ClickEvent(String url, String canonicalUrl, String clickId, Instant clickedAt, String ip, String userAgent, String referrer,
                         String code) {
    public ClickEvent {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(canonicalUrl, "canonicalUrl");
    }
}
