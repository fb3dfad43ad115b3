package io.linktally.http;

import java.time.Duration;

/** What the HTTP layer needs of the configuration. */
public record HttpSettings(Duration cacheMaxAge, long maxRequestBytes, int maxBatchEvents, int maxBatchUrls, Duration publishTimeout) {
    public static final int DEFAULT_MAX_BATCH_URLS = 1000;
}
