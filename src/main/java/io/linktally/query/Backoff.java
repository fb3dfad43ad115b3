package io.linktally.query;

import java.time.Clock;
import java.time.Duration;

/**
 * Doubling waits until a deadline: how every lookup rides out a rebalance, asking again soon at
 * first and less often later, and giving up when the query timeout is spent.
 */
final class Backoff {
    private static final long FIRST_MS = 25;
    private static final long MAX_MS = 400;

    private final Clock clock;
    private final long deadline;
    private long next = FIRST_MS;

    Backoff(Clock clock, Duration timeout) {
        this.clock = clock;
        this.deadline = clock.millis() + timeout.toMillis();
    }

    /** Waits before the next try; false, without waiting, once the deadline has passed. */
    boolean pause() {
        long left = deadline - clock.millis();
        if (left <= 0) {
            return false;
        }
        try {
            Thread.sleep(Math.min(next, left));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted", e);
        }
        next = Math.min(next * 2, MAX_MS);
        return true;
    }
}
