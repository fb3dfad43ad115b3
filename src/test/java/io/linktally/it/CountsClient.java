package io.linktally.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The HTTP API as a caller sees it. */
final class CountsClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** Set on an answer that came, in part or whole, from a standby copy. */
    static final String SOURCE = "X-Linktally-Source";

    record Answer(int status, JsonNode body, HttpHeaders headers) {
    }

    Answer postEvents(ServeProcess serve, String ndjson) throws IOException, InterruptedException {
        return postEvents(serve, "/v1/events/link-created", ndjson);
    }

    Answer postEvents(ServeProcess serve, String path, String ndjson) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(serve.uri(path))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(ndjson)).build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), JSON.readTree(response.body()), response.headers());
    }

    /** Shares per URL as asked, from POST /v1/counts; throws unless the answer is 200. */
    Map<String, Long> shares(ServeProcess serve, List<String> urls) {
        return counts(serve, urls, "shares");
    }

    /** Clicks per URL as asked, from POST /v1/counts; throws unless the answer is 200. */
    Map<String, Long> clicks(ServeProcess serve, List<String> urls) {
        return counts(serve, urls, "clicks");
    }

    private Map<String, Long> counts(ServeProcess serve, List<String> urls, String field) {
        Map<String, Long> shares = new LinkedHashMap<>();
        for (int from = 0; from < urls.size(); from += 1000) {
            List<String> batch = urls.subList(from, Math.min(urls.size(), from + 1000));
            try {
                String body = JSON.writeValueAsString(Map.of("urls", batch));
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(serve.uri("/v1/counts"))
                        .timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("POST /v1/counts answered " + response.statusCode() + ": " + response.body());
                }
                JsonNode counts = JSON.readTree(response.body()).get("counts");
                for (int i = 0; i < batch.size(); i++) {
                    shares.put(counts.get(i).get("url").asText(), counts.get(i).get(field).asLong());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return shares;
    }

    Answer get(ServeProcess serve, String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(serve.uri(pathAndQuery))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), JSON.readTree(response.body()), response.headers());
    }
}
