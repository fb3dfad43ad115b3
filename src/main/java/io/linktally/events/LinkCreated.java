package io.linktally.events;

import java.time.Instant;
import java.util.Objects;

/**
 * A post embedding a URL, validated. {@code url} is the URL as sent, {@code canonicalUrl} the form
 * it is counted under; {@code createdAt} is null when the event did not say, and the record's
 * timestamp stands in.
 */
public record LinkCreated(String url, String canonicalUrl, String updateId, Instant createdAt, String profileId) {
    public LinkCreated {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(canonicalUrl, "canonicalUrl");
        Objects.requireNonNull(updateId, "updateId");
    }
}
