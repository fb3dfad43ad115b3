package io.linktally.bench;

import java.util.regex.Pattern;

/**
 * How many of a route's requests serve's own timer saw finish within 1 ms, read from its latency
 * histogram before and after a run. The timer starts when Javalin takes the request and stops when
 * the answer is handed to Jetty, so set beside what wrk measures it splits a tail into the time
 * spent answering and the time spent waiting around it (for a thread, a core, the network).
 */
final class HandledWithin {
    /** The histogram's smallest bucket bound, 1 ms, as Micrometer writes it. */
    private static final String ONE_MS = "0.001";

    private final int port;
    private final Pattern bucket;
    private final Pattern count;

    HandledWithin(int port, String method, String route) {
        this.port = port;
        String labels = "\\{method=\"" + method + "\",route=\"" + Pattern.quote(route) + "\",status=\"200\"";
        bucket = Pattern.compile("^linktally_http_requests_seconds_bucket" + labels + ",le=\"" + Pattern.quote(ONE_MS) + "\"\\} (\\S+)$",
                Pattern.MULTILINE);
        count = Pattern.compile("^linktally_http_requests_seconds_count" + labels + "\\} (\\S+)$", Pattern.MULTILINE);
    }

    /** The requests counted so far: within 1 ms, and all. */
    Counts now() throws Exception {
        String text = ServeMetrics.text(port);
        return new Counts(ServeMetrics.value(bucket, text), ServeMetrics.value(count, text));
    }

    record Counts(double withinOneMs, double all) {
        /** The share, in percent, of the requests since {@code before} that took 1 ms or less. */
        double percentSince(Counts before) {
            double all = this.all - before.all;
            if (all <= 0) {
                throw new IllegalStateException("serve's timer counted no requests during the run");
            }
            return 100 * (withinOneMs - before.withinOneMs) / all;
        }
    }
}
