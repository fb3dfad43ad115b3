package io.linktally.app;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What to do when a stream thread dies. A new thread builds its tasks afresh, and under
 * exactly-once nothing it had not committed counts, so replacing the thread heals what a thread
 * cannot recover from in place: Kafka Streams 4.3 can fail re-initialising a corrupted standby
 * task after a crash ("Store event-dedup.N is currently closed"), which the fault drill hits.
 * A fault that keeps coming back is not healed that way, so past a budget the client stops.
 */
final class StreamThreadFailures implements StreamsUncaughtExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(StreamThreadFailures.class);
    static final int MAX_REPLACEMENTS = 5;
    static final Duration WINDOW = Duration.ofMinutes(10);

    private final Clock clock;
    private final Deque<Long> recent = new ArrayDeque<>();
    private final Counter replaced;

    StreamThreadFailures(Clock clock, MeterRegistry metrics) {
        this.clock = clock;
        this.replaced = Counter.builder("linktally.stream.threads.replaced").description("Stream threads replaced after they failed")
                .register(metrics);
    }

    @Override
    public synchronized StreamThreadExceptionResponse handle(Throwable exception) {
        long now = clock.millis();
        while (!recent.isEmpty() && recent.peekFirst() <= now - WINDOW.toMillis()) {
            recent.removeFirst();
        }
        if (recent.size() >= MAX_REPLACEMENTS) {
            LOG.error("A stream thread failed for the {}th time within {}; stopping", recent.size() + 1, WINDOW, exception);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        recent.addLast(now);
        replaced.increment();
        LOG.warn("A stream thread failed; replacing it ({} of {} allowed within {})", recent.size(), MAX_REPLACEMENTS, WINDOW, exception);
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }
}
