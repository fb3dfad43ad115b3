package io.linktally.http;

import io.linktally.query.Readiness;
import io.javalin.http.Context;
import java.util.Map;

/** Liveness and readiness, for load balancers and orchestrators. */
final class HealthHandlers {
    private final Readiness readiness;

    HealthHandlers(Readiness readiness) {
        this.readiness = readiness;
    }

    void healthz(Context ctx) {
        ctx.json(Map.of("status", "ok"));
    }

    void readyz(Context ctx) {
        Readiness.Status status = readiness.status();
        if (status.ready()) {
            ctx.json(Map.of("status", "ready", "state", status.state()));
        } else {
            ctx.status(503).json(new ErrorBody("not_ready", "the stores cannot answer yet", null, status.state()));
        }
    }
}
