package io.linktally.bench;

import io.javalin.Javalin;
import io.linktally.http.HttpApi;
import io.linktally.http.HttpSettings;
import io.linktally.query.BucketCounts;
import io.linktally.query.BucketReads;
import io.linktally.query.CountLookup;
import io.linktally.query.CountResult;
import io.linktally.query.Readiness;
import io.linktally.query.WindowRange;
import io.linktally.topology.BucketSettings;
import io.linktally.topology.LinkCounts;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * scripts/bench/http-allocation: the bytes the HTTP layer allocates per request, by route, on
 * Jetty's threads, with a lookup that answers at once (no store, no Kafka). Unlike latency on a
 * shared machine, this figure repeats from run to run, and it is what sets how often the
 * collector pauses a serving instance.
 */
public final class HttpAllocationBench {
    private static final String URL = "https://example.com/articles/2026/12/a-long-enough-path-for-a-real-link?utm_source=x";

    record Route(String name, HttpRequest request) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = BenchCluster.options(args);
        int requests = Integer.parseInt(opts.getOrDefault("requests", "20000"));
        CountLookup lookup = new CountLookup() {
            @Override
            public List<CountResult> counts(List<String> canonicalUrls) {
                return canonicalUrls.stream().map(url -> CountResult.active(new LinkCounts(1234, 56789, 12))).toList();
            }

            @Override
            public List<CountResult> localCounts(List<String> canonicalUrls, boolean allowStandby) {
                return counts(canonicalUrls);
            }
        };
        HttpSettings settings = new HttpSettings(Duration.ofSeconds(10), 1 << 20, 100, 1000, Duration.ofSeconds(5), Duration.ofSeconds(30),
                Optional.empty());
        Readiness ready = () -> new Readiness.Status(true, "RUNNING");
        // Only count routes are asked; the bucket routes read their settings when built.
        BucketReads buckets = new BucketReads() {
            @Override
            public BucketCounts read(WindowRange range) {
                throw new UnsupportedOperationException();
            }

            @Override
            public BucketCounts readLocal(WindowRange range, boolean allowStandby) {
                throw new UnsupportedOperationException();
            }

            @Override
            public BucketSettings settings() {
                return BucketSettings.DEFAULT;
            }
        };
        Javalin http = HttpApi.create(new HttpApi.Lookups(lookup, buckets, null), ready, null, settings,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        http.start("127.0.0.1", 0);
        try {
            String base = "http://127.0.0.1:" + http.port();
            List<Route> routes = List.of(
                    new Route("GET /healthz", HttpRequest.newBuilder(URI.create(base + "/healthz")).build()),
                    new Route("GET /v1/counts", HttpRequest.newBuilder(URI.create(base + "/v1/counts?url="
                            + URLEncoder.encode(URL, StandardCharsets.UTF_8))).build()),
                    new Route("POST /v1/counts, 100 URLs", batch(base, 100)),
                    new Route("POST /v1/counts, 1000 URLs", batch(base, 1000)));
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            System.out.println();
            System.out.printf("## HTTP allocation per request (%d requests per route after as many unmeasured, one connection)%n%n", requests);
            System.out.println("| route | bytes allocated per request | response bytes |");
            System.out.println("| --- | ---: | ---: |");
            for (Route route : routes) {
                send(client, route, requests);
                long before = jettyAllocatedBytes();
                int size = send(client, route, requests);
                long perRequest = (jettyAllocatedBytes() - before) / requests;
                System.out.printf("| %s | %,d | %,d |%n", route.name(), perRequest, size);
                Summary.print("http-allocation", route.name(), perRequest, "bytes/request");
            }
        } finally {
            http.stop();
        }
    }

    private static HttpRequest batch(String base, int urls) {
        String body = IntStream.range(0, urls).mapToObj(i -> "\"" + URL + "&n=" + i + "\"").collect(Collectors.joining(",", "{\"urls\":[", "]}"));
        return HttpRequest.newBuilder(URI.create(base + "/v1/counts")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** Sends the request {@code times} times, one after another; the last answer's size. */
    private static int send(HttpClient client, Route route, int times) throws Exception {
        int size = 0;
        for (int i = 0; i < times; i++) {
            HttpResponse<byte[]> response = client.send(route.request(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(route.name() + " answered " + response.statusCode() + ": "
                        + new String(response.body(), StandardCharsets.UTF_8));
            }
            size = response.body().length;
        }
        return size;
    }

    /** What Jetty's request threads have allocated so far. */
    private static long jettyAllocatedBytes() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("JettyServerThreadPool"))
                .mapToLong(thread -> threads.getThreadAllocatedBytes(thread.getId()))
                .sum();
    }
}
