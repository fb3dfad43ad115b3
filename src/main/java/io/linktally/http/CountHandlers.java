package io.linktally.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linktally.query.CountLookup;
import io.linktally.topology.LinkCounts;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Count lookups: one URL, a batch, and Buffer's public share-count API. */
final class CountHandlers {
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
        ctx.json(answer(ctx.queryParam("url"), "query parameter 'url'"));
    }

    void postCounts(Context ctx) {
        List<String> urls = requestedUrls(ctx);
        List<CountAnswer> answers = new ArrayList<>(urls.size());
        for (int i = 0; i < urls.size(); i++) {
            answers.add(answer(urls.get(i), "urls[" + i + "]"));
        }
        ctx.json(new BatchAnswer(answers));
    }

    void bufferShares(Context ctx) {
        String url = ctx.queryParam("url");
        ctx.json(Map.of("shares", lookup.counts(RequestUrls.canonical(url, "query parameter 'url'")).shares()));
    }

    private CountAnswer answer(String url, String where) {
        String canonical = RequestUrls.canonical(url, where);
        LinkCounts counts = lookup.counts(canonical);
        return new CountAnswer(url, canonical, counts.shares(), counts.clicks());
    }

    private List<String> requestedUrls(Context ctx) {
        JsonNode body;
        try {
            body = json.readTree(ctx.bodyAsBytes());
        } catch (IOException e) {
            throw ApiException.badRequest("invalid_json", "body must be JSON like {\"urls\": [\"https://...\"]}");
        }
        JsonNode urls = body == null ? null : body.get("urls");
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
