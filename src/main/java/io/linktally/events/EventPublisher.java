package io.linktally.events;

import java.time.Duration;
import java.util.List;

/** Publishes events and returns only once the cluster has acknowledged every one of them. */
public interface EventPublisher {
    /**
     * @throws PublishFailedException when any event was not acknowledged within the timeout; some
     *     of them may have been published, which is harmless since counting is idempotent by id
     */
    void publishAll(List<PublishableEvent> events, Duration timeout);

    final class PublishFailedException extends RuntimeException {
        public PublishFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
