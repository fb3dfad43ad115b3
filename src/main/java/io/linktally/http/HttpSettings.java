package io.linktally.http;

import java.time.Duration;
import java.util.Optional;

/**
 * What the HTTP layer needs of the configuration. {@code drainTimeout} is how long a stop waits
 * for requests in flight; zero stops at once. {@code apiToken}, when present, is the bearer token
 * every event-ingest request must carry; lookups stay open, as share buttons on other sites call them.
 */
public record HttpSettings(Duration cacheMaxAge, long maxRequestBytes, int maxBatchEvents, int maxBatchUrls,
                           Duration publishTimeout, Duration drainTimeout, Optional<String> apiToken) {
    public static final int DEFAULT_MAX_BATCH_URLS = 1000;

    public HttpSettings(Duration cacheMaxAge, long maxRequestBytes, int maxBatchEvents, int maxBatchUrls, Duration publishTimeout,
                        Duration drainTimeout) {
        this(cacheMaxAge, maxRequestBytes, maxBatchEvents, maxBatchUrls, publishTimeout, drainTimeout, Optional.empty());
    }
}
