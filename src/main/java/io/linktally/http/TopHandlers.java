package io.linktally.http;

import io.javalin.http.Context;
import io.linktally.query.RemoteCounts;
import io.linktally.query.TopLinksAnswer;
import io.linktally.query.TopReads;
import io.linktally.topology.TopMetric;
import io.linktally.topology.TopWindow;
import java.io.IOException;
import java.util.List;

/** Top links of a window, and the per-partition top lists peers ask for. */
final class TopHandlers {
    record TopAnswer(String metric, String window, List<TopLinksAnswer.Item> items) {
    }

    private final TopReads top;

    TopHandlers(TopReads top) {
        this.top = top;
    }

    void top(Context ctx) {
        String metricName = BucketHandlers.required(ctx, "metric");
        CountHandlers.Bots bots = CountHandlers.Bots.of(ctx);
        TopMetric metric = switch (metricName) {
            case "shares" -> TopMetric.SHARES;
            case "clicks" -> switch (bots) {
                case EXCLUDED -> TopMetric.CLICKS;
                case INCLUDED -> TopMetric.ALL_CLICKS;
                case ONLY -> TopMetric.BOT_CLICKS;
            };
            default -> throw ApiException.badRequest("invalid_metric", "query parameter 'metric' must be shares or clicks");
        };
        String windowName = BucketHandlers.required(ctx, "window");
        TopWindow window = TopWindow.ofApiName(windowName)
                .orElseThrow(() -> ApiException.badRequest("invalid_window", "query parameter 'window' must be 1h, 24h or 7d"));
        int limit = BucketHandlers.limit(ctx);
        TopLinksAnswer answer = top.top(window, metric, limit);
        if (answer.fromStandby()) {
            ctx.header(CountHandlers.SOURCE_HEADER, "standby");
            ctx.header(CountHandlers.STANDBY_LAG_HEADER, Long.toString(answer.standbyLag()));
        }
        ctx.json(new TopAnswer(metricName, windowName, answer.items()));
    }

    /** A peer's request for the top lists of some of this instance's partitions; never forwarded again. */
    void peerTop(Context ctx) {
        RemoteCounts.TopRequest request;
        try {
            request = RemoteCounts.topRequest(ctx.bodyAsBytes());
        } catch (IOException | IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_body", "not a top-links read: " + e.getMessage());
        }
        TopLinksAnswer answer;
        try {
            answer = top.localTop(request.window(), request.metric(), request.limit(), request.partitions(), request.allowStandby());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_body", e.getMessage());
        }
        ctx.contentType("application/json").result(RemoteCounts.answerBytes(answer));
    }
}
