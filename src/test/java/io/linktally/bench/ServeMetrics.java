package io.linktally.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Series read from a serve instance's /metrics, as the benchmarks check what serve itself counted. */
final class ServeMetrics {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private ServeMetrics() {
    }

    static String text(int port) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The value of a series without labels, such as a counter's {@code _total}. */
    static double value(int port, String series) throws Exception {
        return value(Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE), text(port));
    }

    /** Fails rather than reads a missing series as 0, which would print a figure that was never measured. */
    static double value(Pattern series, String text) {
        Matcher matcher = series.matcher(text);
        if (!matcher.find()) {
            throw new IllegalStateException("no series matching " + series.pattern() + " in serve's /metrics");
        }
        return Double.parseDouble(matcher.group(1));
    }
}
