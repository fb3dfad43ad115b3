package io.linktally.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Thousands of random and malformed requests against a real serve process: none is answered with
 * a 5xx, every error is JSON, and the process stays healthy and ready throughout.
 */
class HttpFuzzIT {
    private static final int REQUESTS = 3000;
    private static final int RAW_REQUESTS = 300;
    private static final String TOKEN = "fuzz-token";
    private static final List<String> PATHS = List.of("/v1/counts", "/1/links/shares.json", "/v1/events/link-created", "/v1/events/clicks",
            "/v1/timeseries", "/v1/breakdown", "/v1/top", "/internal/v1/counts", "/internal/v1/buckets", "/internal/v1/top", "/healthz",
            "/readyz", "/metrics", "/", "/v1", "/v1/counts/extra", "/%2e%2e/etc/passwd", "/v1/counts;jsessionid=1");
    private static final List<String> PARAMS = List.of("url", "urls", "metric", "interval", "from", "to", "by", "limit", "window", "bots");
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");

    private TestBroker broker;
    private ServeProcess serve;
    private final Random random = new Random(7);

    @BeforeEach
    void start() throws IOException {
        broker = TestBroker.start();
        serve = ServeProcess.create("fuzz", broker.bootstrapServers(), Files.createTempDirectory(Path.of("target"), "it-fuzz-"), "it-fuzz",
                "--api-token", TOKEN, "--max-request-bytes", "1MiB").start().awaitReady();
    }

    @AfterEach
    void stop() {
        serve.close();
        broker.close();
    }

    private String randomText(int maxLength) {
        int length = random.nextInt(maxLength + 1);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(switch (random.nextInt(6)) {
                case 0 -> (char) (random.nextInt(0x7F - 0x20) + 0x20);
                case 1 -> "https://www.buffer.com/".charAt(random.nextInt(23));
                case 2 -> (char) random.nextInt(0x20);
                case 3 -> (char) (0x80 + random.nextInt(0x700));
                case 4 -> "%" + Integer.toHexString(random.nextInt(256));
                default -> "{}[]\",:\\".charAt(random.nextInt(8));
            });
        }
        return text.toString();
    }

    private String randomValue() {
        return switch (random.nextInt(9)) {
            case 0 -> "https://buffer.com/" + randomText(20);
            case 1 -> "2026-11-23T10:00:00Z";
            case 2 -> Long.toString(random.nextLong());
            case 3 -> List.of("hour", "day", "shares", "clicks", "country", "os", "1h", "7d", "true", "only").get(random.nextInt(10));
            case 4 -> "x".repeat(random.nextInt(20_000));
            case 5 -> "";
            default -> randomText(60);
        };
    }

    private String randomQuery() {
        StringBuilder query = new StringBuilder();
        int params = random.nextInt(5);
        for (int i = 0; i < params; i++) {
            String name = random.nextInt(8) == 0 ? randomText(5) : PARAMS.get(random.nextInt(PARAMS.size()));
            query.append(i == 0 ? "?" : "&").append(URLEncoder.encode(name, StandardCharsets.UTF_8))
                    .append('=').append(URLEncoder.encode(randomValue(), StandardCharsets.UTF_8));
        }
        return query.toString();
    }

    private byte[] randomBody() {
        return switch (random.nextInt(8)) {
            case 0 -> new byte[0];
            case 1 -> {
                byte[] bytes = new byte[random.nextInt(4096)];
                random.nextBytes(bytes);
                yield bytes;
            }
            case 2 -> ("{\"urls\": [" + "\"" + randomValue() + "\",".repeat(random.nextInt(1500)) + "1]}").getBytes(StandardCharsets.UTF_8);
            case 3 -> ("{\"url\":\"" + randomValue() + "\",\"update_id\":" + randomValue() + "}\n{\"url\": 1}").getBytes(StandardCharsets.UTF_8);
            case 4 -> ("{\"range\": {\"store\": \"" + randomText(10) + "\", \"url\": null}, \"allow_standby\": \"x\"}").getBytes(StandardCharsets.UTF_8);
            case 5 -> ("{\"window\": \"HOUR\", \"metric\": \"SHARES\", \"limit\": " + random.nextInt() + ", \"partitions\": [" + random.nextInt()
                    + "]}").getBytes(StandardCharsets.UTF_8);
            case 6 -> "[".repeat(random.nextInt(100_000)).getBytes(StandardCharsets.UTF_8);
            default -> randomText(500).getBytes(StandardCharsets.UTF_8);
        };
    }

    @Test
    void randomAndMalformedRequestsGetNo5xxAndTheProcessStaysHealthy() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        Map<Integer, Integer> statuses = new TreeMap<>();
        List<String> serverErrors = new ArrayList<>();
        List<String> closed = new ArrayList<>();
        long begin = System.nanoTime();
        for (int i = 0; i < REQUESTS; i++) {
            String method = METHODS.get(random.nextInt(METHODS.size()));
            String target = PATHS.get(random.nextInt(PATHS.size())) + randomQuery();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + serve.uri("/").getPort() + target))
                    .timeout(Duration.ofSeconds(30))
                    .method(method, method.equals("GET") || method.equals("OPTIONS") ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(randomBody()));
            switch (random.nextInt(4)) {
                case 0 -> request.header("Authorization", "Bearer " + TOKEN);
                case 1 -> request.header("Authorization", "Bearer " + randomText(10).replaceAll("[^A-Za-z0-9]", ""));
                default -> { }
            }
            if (random.nextBoolean()) {
                request.header("Content-Type", List.of("application/json", "application/x-ndjson", "text/plain", "x/" + random.nextInt())
                        .get(random.nextInt(4)));
            }
            HttpResponse<String> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                // A server may answer a body it refuses (too large) and close while the client still
                // sends; the client then sees the connection closed rather than the answer.
                closed.add(method + " " + target.substring(0, Math.min(120, target.length())) + ": " + e.getMessage());
                continue;
            }
            statuses.merge(response.statusCode(), 1, Integer::sum);
            if (response.statusCode() >= 500) {
                serverErrors.add(method + " " + target.substring(0, Math.min(200, target.length())) + " -> " + response.statusCode() + " "
                        + response.body().substring(0, Math.min(300, response.body().length())));
            } else if (response.statusCode() >= 400 && !method.equals("HEAD")) {
                assertThat(response.body()).as("%s %s answered %d", method, target, response.statusCode()).startsWith("{\"error\":");
            }
        }
        Map<String, Integer> raw = rawRequests();
        System.out.printf("HttpFuzzIT: %d requests in %.1f s, statuses %s, %d closed without an answer %s; %d raw requests, status lines %s%n",
                REQUESTS, (System.nanoTime() - begin) / 1e9, statuses, closed.size(), closed.stream().limit(3).toList(), RAW_REQUESTS, raw);
        assertThat(closed.size()).as("requests whose connection closed without an answer").isLessThan(REQUESTS / 20);
        assertThat(serverErrors).as("requests answered 5xx").isEmpty();
        assertThat(raw.keySet()).as("raw requests answered 5xx").noneMatch(status -> status.startsWith("5"));
        assertThat(statuses.keySet()).as("some requests were valid").contains(200);

        assertThat(serve.isAlive()).isTrue();
        assertThat(http.send(HttpRequest.newBuilder(serve.uri("/healthz")).build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
        assertThat(http.send(HttpRequest.newBuilder(serve.uri("/readyz")).build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
        HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(serve.uri("/v1/events/link-created"))
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"url\":\"https://buffer.com/after-fuzz\",\"update_id\":\"after\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    }

    /** Requests no well-behaved client would send, written straight to the socket; the status each got, or "none". */
    private Map<String, Integer> rawRequests() throws IOException {
        Map<String, Integer> statuses = new TreeMap<>();
        for (int i = 0; i < RAW_REQUESTS; i++) {
            String request = switch (random.nextInt(6)) {
                case 0 -> "GET /v1/counts?url=" + randomText(40) + " HTTP/1.1\r\nHost: x\r\n\r\n";
                case 1 -> "POST /v1/events/link-created HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                        + "\r\nContent-Length: 100000\r\n\r\n{\"url\":";
                case 2 -> "POST /v1/counts HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n" + randomText(20) + "\r\n0\r\n\r\n";
                case 3 -> randomText(200) + "\r\n\r\n";
                case 4 -> "GET " + "/v1/counts?url=" + "a".repeat(100_000) + " HTTP/1.1\r\nHost: x\r\n\r\n";
                default -> "GET /v1/top?metric=shares&window=1h HTTP/1.1\r\nHost: x\r\n" + "X-H: " + "v".repeat(random.nextInt(100_000))
                        + "\r\n\r\n";
            };
            statuses.merge(rawStatus(request), 1, Integer::sum);
        }
        return statuses;
    }

    private String rawStatus(String request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", serve.uri("/").getPort()), 5000);
            socket.setSoTimeout(3000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request.getBytes(StandardCharsets.UTF_8));
                out.flush();
                socket.shutdownOutput();
            } catch (IOException e) {
                // The server may close a connection it has already answered or refused; read what it said.
            }
            InputStream in = socket.getInputStream();
            byte[] head = in.readNBytes(12);
            String line = new String(head, StandardCharsets.ISO_8859_1);
            return line.startsWith("HTTP/1.1 ") && line.length() >= 12 ? line.substring(9, 12) : "none";
        } catch (SocketTimeoutException e) {
            // An incomplete request the server still waits for (a body shorter than its length).
            return "none";
        } catch (IOException e) {
            return "reset";
        }
    }
}
