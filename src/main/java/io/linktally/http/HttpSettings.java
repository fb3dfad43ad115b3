package io.linktally.http;

import java.time.Duration;

/**
 * What the HTTP layer needs of the configuration. {@code drainTimeout} is how long a stop waits
 * for requests in flight; zero stops at once.
 */
public record HttpSettings(Duration cacheMaxAge, long maxRequestBytes, int maxBatchEvents, int maxBatchUrls,
                           Duration publishTimeout, Duration drainTimeout) {
    public static final int DEFAULT_MAX_BATCH_URLS = 1000;
}
