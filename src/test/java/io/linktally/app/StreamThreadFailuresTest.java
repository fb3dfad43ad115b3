package io.linktally.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.linktally.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class StreamThreadFailuresTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final StreamThreadFailures failures = new StreamThreadFailures(clock, metrics);

    private StreamThreadExceptionResponse fail() {
        return failures.handle(new InvalidStateStoreException("Store event-dedup.1795348800000 is currently closed"));
    }

    @Test
    void aFailedThreadIsReplacedUpToTheBudgetThenTheClientStops() {
        for (int i = 0; i < StreamThreadFailures.MAX_REPLACEMENTS; i++) {
            assertThat(fail()).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
            clock.advance(Duration.ofSeconds(60));
        }
        assertThat(fail()).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        assertThat(metrics.get("linktally.stream.threads.replaced").counter().count()).isEqualTo(StreamThreadFailures.MAX_REPLACEMENTS);
    }

    @Test
    void failuresOlderThanTheWindowNoLongerCount() {
        for (int i = 0; i < StreamThreadFailures.MAX_REPLACEMENTS; i++) {
            assertThat(fail()).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        }
        clock.advance(StreamThreadFailures.WINDOW.plusMillis(1));
        assertThat(fail()).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }
}
