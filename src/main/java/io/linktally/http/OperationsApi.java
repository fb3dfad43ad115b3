package io.linktally.http;

import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** {@code /healthz} and {@code /metrics} for commands with no API of their own, such as {@code archive}. */
public final class OperationsApi {
    private OperationsApi() {
    }

    /** {@code healthy} says whether the process still does its work; an unstarted {@link Javalin}. */
    public static Javalin create(PrometheusMeterRegistry metrics, BooleanSupplier healthy) {
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.routes.get("/healthz", ctx -> {
                if (healthy.getAsBoolean()) {
                    ctx.json(Map.of("status", "ok"));
                } else {
                    ctx.status(503).json(Map.of("error", "failed", "message", "the archiver has stopped after a failure"));
                }
            });
            config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
        });
    }
}
