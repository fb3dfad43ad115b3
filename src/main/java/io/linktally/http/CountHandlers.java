package io.linktally.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linktally.query.CountLookup;
import io.linktally.query.CountResult;
import io.linktally.topology.LinkCounts;
import io.linktally.query.RemoteCounts;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Count lookups: one URL, a batch, Buffer's public share-count API, and what peers forward. */
final class CountHandlers {
    /** Set when any count of an answer came from a standby copy rather than the active owner. */
    static final String SOURCE_HEADER = "X-Linktally-Source";
    /** The largest lag, in changelog records, of the standby copies that answered. */
    static final String STANDBY_LAG_HEADER = "X-Linktally-Standby-Lag";

    record CountAnswer(String url, String canonicalUrl, long shares, long clicks) {
    }

    record BatchAnswer(List<CountAnswer> counts) {
    }

    private final CountLookup lookup;
    private final ObjectMapper json;
    private final int maxBatchUrls;

    CountHandlers(CountLookup lookup, ObjectMapper json, int maxBatchUrls) {
        this.lookup = lookup;
        this.json = json;
        this.maxBatchUrls = maxBatchUrls;
    }

    void getCount(Context ctx) {
        Bots bots = Bots.of(ctx);
        String url = ctx.queryParam("url");
        String canonical = RequestUrls.canonical(url, "query parameter 'url'");
        CountResult result = lookup.counts(canonical);
        markStandby(ctx, List.of(result));
        answer(ctx, new CountAnswer(url, canonical, result.counts().shares(), bots.clicks(result.counts())));
    }

    /** Whose clicks an answer counts: people's (the default), everyone's ({@code bots=true}) or bots' ({@code bots=only}). */
    enum Bots {
        EXCLUDED, INCLUDED, ONLY;

        static Bots of(Context ctx) {
            String bots = ctx.queryParam("bots");
            if (bots == null || bots.equals("false")) {
                return EXCLUDED;
            }
            return switch (bots) {
                case "true" -> INCLUDED;
                case "only" -> ONLY;
                default -> throw ApiException.badRequest("invalid_bots", "query parameter 'bots' must be false, true or only");
            };
        }

        long clicks(LinkCounts counts) {
            return switch (this) {
                case EXCLUDED -> counts.clicks();
                case INCLUDED -> counts.clicks() + counts.botClicks();
                case ONLY -> counts.botClicks();
            };
        }
    }

    void postCounts(Context ctx) {
        Bots bots = Bots.of(ctx);
        List<String> urls = requestedUrls(body(ctx));
        List<String> canonical = new ArrayList<>(urls.size());
        for (int i = 0; i < urls.size(); i++) {
            canonical.add(RequestUrls.canonical(urls.get(i), "urls[" + i + "]"));
        }
        List<CountResult> results = lookup.counts(canonical);
        markStandby(ctx, results);
        List<CountAnswer> answers = new ArrayList<>(urls.size());
        for (int i = 0; i < urls.size(); i++) {
            CountResult result = results.get(i);
            answers.add(new CountAnswer(urls.get(i), canonical.get(i), result.counts().shares(), bots.clicks(result.counts())));
        }
        answer(ctx, new BatchAnswer(answers));
    }

    void bufferShares(Context ctx) {
        CountResult result = lookup.counts(RequestUrls.canonical(ctx.queryParam("url"), "query parameter 'url'"));
        markStandby(ctx, List.of(result));
        answer(ctx, Map.of("shares", result.counts().shares()));
    }

    /** A peer's request for counts from this instance's own stores; never forwarded again. */
    void peerCounts(Context ctx) {
        JsonNode body = body(ctx);
        boolean allowStandby = body.path("allow_standby").asBoolean(false);
        answer(ctx, RemoteCounts.answer(lookup.localCounts(requestedUrls(body), allowStandby)));
    }

    /**
     * The answer as UTF-8 JSON straight from Jackson: {@code ctx.json} writes a String first and
     * then encodes it again, and these routes answer most of the requests.
     */
    private void answer(Context ctx, Object body) {
        try {
            ctx.contentType(ContentType.APPLICATION_JSON).result(json.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + body.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private static void markStandby(Context ctx, List<CountResult> results) {
        long lag = -1;
        for (CountResult result : results) {
            if (result.fromStandby()) {
                lag = Math.max(lag, result.standbyLag());
            }
        }
        if (lag >= 0) {
            ctx.header(SOURCE_HEADER, "standby");
            ctx.header(STANDBY_LAG_HEADER, Long.toString(lag));
        }
    }

    private JsonNode body(Context ctx) {
        try {
            JsonNode body = json.readTree(ctx.bodyAsBytes());
            if (body == null || !body.isObject()) {
                throw ApiException.badRequest("invalid_body", "body must be JSON like {\"urls\": [\"https://...\"]}");
            }
            return body;
        } catch (IOException e) {
            throw ApiException.badRequest("invalid_json", "body must be JSON like {\"urls\": [\"https://...\"]}");
        }
    }

    private List<String> requestedUrls(JsonNode body) {
        JsonNode urls = body.get("urls");
        if (urls == null || !urls.isArray()) {
            throw ApiException.badRequest("invalid_body", "body must be JSON like {\"urls\": [\"https://...\"]}");
        }
        if (urls.size() > maxBatchUrls) {
            throw new ApiException(413, "too_many_urls", urls.size() + " URLs asked for; at most " + maxBatchUrls + " per request");
        }
        List<String> result = new ArrayList<>(urls.size());
        for (int i = 0; i < urls.size(); i++) {
            if (!urls.get(i).isTextual()) {
                throw ApiException.badRequest("invalid_url", "urls[" + i + "] must be a string");
            }
            result.add(urls.get(i).asText());
        }
        return result;
    }
}
