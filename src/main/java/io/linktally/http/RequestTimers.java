package io.linktally.http;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latency histogram of each route template, method and status. Each timer is looked up by a
 * small key rather than built and registered on every request, which allocates its tags anew
 * each time; routes and statuses are few, so the map stays small.
 */
final class RequestTimers {
    private final MeterRegistry registry;
    private final ConcurrentHashMap<Key, Timer> timers = new ConcurrentHashMap<>();

    RequestTimers(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(Context ctx, float millis) {
        timers.computeIfAbsent(new Key(ctx.method(), route(ctx), ctx.statusCode()), this::timer)
                .record(Duration.ofNanos((long) (millis * 1_000_000)));
    }

    private Timer timer(Key key) {
        return Timer.builder("linktally.http.requests")
                .description("HTTP requests by route template, method and status")
                .tags("method", key.method().name(), "route", key.route(), "status", Integer.toString(key.status()))
                .publishPercentileHistogram()
                .register(registry);
    }

    /** The route template, so that paths asked for never become tags: Javalin says "*" for a path no route matched. */
    private static String route(Context ctx) {
        try {
            return ctx.endpoint().path;
        } catch (RuntimeException e) {
            return "unmatched";
        }
    }

    private record Key(HandlerType method, String route, int status) {
    }
}
