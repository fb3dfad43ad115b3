package io.linktally.bench;

import io.linktally.events.SyntheticLinks;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * scripts/bench/lookup: wrk against one serve instance, then the same instance with two more
 * beside it (so two thirds of its keys live elsewhere): /healthz as the ceiling, GET /v1/counts
 * for a hot and for cold URLs, /healthz and lookups paced near 7,000 requests/s (the first shows
 * the HTTP stack's own tail at that rate), and POST /v1/counts with 100 and 1000 URLs. Prints
 * throughput, p50/p99/p99.9 and the ratio to the ceiling.
 */
public final class LookupBench {
    private static final String APP = "bench-lookup";
    /**
     * wrk's Lua delay() runs on its event loop's millisecond timer, so a connection pausing 2 ms
     * between requests does about 350 of them a second, not 500: 20 make the goal's ~7,000/s.
     */
    private static final int PACED_CONNECTIONS = 20;

    record Scenario(String name, String path, String mode, String urlFile, int connections, int delayMs, int batch) {
    }

    record Result(double rps, double p50, double p99, double p999, long errors) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = BenchCluster.options(args);
        int seconds = Integer.parseInt(opts.getOrDefault("seconds", "10"));
        int urls = Integer.parseInt(opts.getOrDefault("urls", "100000"));
        Path jar = Path.of(opts.getOrDefault("jar", "target/linktally.jar")).toAbsolutePath();
        Path lua = Path.of(opts.getOrDefault("lua", "scripts/bench/lookup.lua")).toAbsolutePath();
        List<String> serveJvm = new ArrayList<>(List.of("java", "-Xmx1g"));
        serveJvm.addAll(List.of(opts.getOrDefault("serve-jvm-opts", "").split("\\s+")).stream().filter(o -> !o.isBlank()).toList());

        try (BenchCluster cluster = BenchCluster.start(jar)) {
            cluster.linktally("produce.log", 600, "produce", "--bootstrap-servers", cluster.bootstrap(),
                    "--synthetic", Long.toString(urls * 2L), "--urls", Integer.toString(urls));
            Path hot = cluster.work().resolve("hot.txt");
            Files.writeString(hot, SyntheticLinks.canonicalUrl(1) + "\n");
            Path cold = cluster.work().resolve("cold.txt");
            Random random = new Random(3);
            Files.write(cold, IntStream.range(0, 10_000).mapToObj(i -> SyntheticLinks.canonicalUrl(1 + random.nextInt(urls))).toList());
            Scenario pacedHealth = new Scenario("GET /healthz, paced ~7,000/s", "/healthz", "plain", "-", PACED_CONNECTIONS, 2, 0);
            Scenario pacedLookups = new Scenario("GET /v1/counts, paced ~7,000/s", "/", "get", cold.toString(), PACED_CONNECTIONS, 2, 0);
            Scenario batchOf1000 = new Scenario("POST /v1/counts, 1000 URLs", "/", "post", cold.toString(), 4, 0, 1000);
            List<Scenario> scenarios = List.of(
                    new Scenario("GET /healthz (ceiling)", "/healthz", "plain", "-", 32, 0, 0),
                    new Scenario("GET /v1/counts, hot URL", "/", "get", hot.toString(), 32, 0, 0),
                    new Scenario("GET /v1/counts, cold URLs", "/", "get", cold.toString(), 32, 0, 0),
                    pacedHealth,
                    pacedLookups,
                    new Scenario("POST /v1/counts, 100 URLs", "/", "post", cold.toString(), 8, 0, 100),
                    batchOf1000);

            int port = BenchCluster.freePort();
            cluster.serve("serve-a", serveJvm, instanceArgs(port));
            awaitReady(cluster, List.of(port));
            Map<String, Result> one = runAll(scenarios, port, lua, seconds);

            List<Integer> others = List.of(BenchCluster.freePort(), BenchCluster.freePort());
            for (int i = 0; i < others.size(); i++) {
                cluster.serve("serve-" + (char) ('b' + i), serveJvm, instanceArgs(others.get(i)));
            }
            List<Integer> all = new ArrayList<>(others);
            all.add(0, port);
            awaitReady(cluster, all);
            Map<String, Result> three = runAll(scenarios, port, lua, seconds);

            System.out.println();
            System.out.printf("## linktally lookup benchmark (%d cores; wrk, broker and every instance on the same machine)%n%n",
                    Runtime.getRuntime().availableProcessors());
            System.out.printf("%d URLs counted; wrk -t2 for %d s per row; with 3 instances the one asked forwards two thirds of its keys%n%n",
                    urls, seconds);
            System.out.println("| scenario | 1 instance: req/s | p50 ms | p99 ms | p99.9 ms | / ceiling | 3 instances: req/s | p50 ms | p99 ms | p99.9 ms | / ceiling |");
            System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            double ceilingOne = one.get(scenarios.get(0).name()).rps();
            double ceilingThree = three.get(scenarios.get(0).name()).rps();
            for (Scenario scenario : scenarios) {
                Result a = one.get(scenario.name());
                Result b = three.get(scenario.name());
                System.out.printf("| %s | %,.0f | %.2f | %.2f | %.2f | %.2f | %,.0f | %.2f | %.2f | %.2f | %.2f |%n", scenario.name(),
                        a.rps(), a.p50(), a.p99(), a.p999(), a.rps() / ceilingOne, b.rps(), b.p50(), b.p99(), b.p999(), b.rps() / ceilingThree);
            }
            long errors = one.values().stream().mapToLong(Result::errors).sum() + three.values().stream().mapToLong(Result::errors).sum();
            System.out.printf("%nnon-2xx or failed requests: %d%n", errors);
            String ceilingName = scenarios.get(0).name();
            for (Scenario scenario : scenarios.subList(1, scenarios.size())) {
                Summary.print("lookup", scenario.name() + ", 1 instance", one.get(scenario.name()).rps(), "req/s", ceilingName, ceilingOne);
                Summary.print("lookup", scenario.name() + ", 3 instances", three.get(scenario.name()).rps(), "req/s", ceilingName, ceilingThree);
            }
            // The latency goals: p99 under 1 ms at 7,000 lookups/s, a 1000-URL batch under 20 ms.
            // The paced /healthz row is the HTTP stack's own tail at that rate, on the same machine.
            for (Scenario scenario : List.of(pacedHealth, pacedLookups, batchOf1000)) {
                Summary.print("lookup", scenario.name() + ", 1 instance, p50", one.get(scenario.name()).p50(), "ms");
                Summary.print("lookup", scenario.name() + ", 1 instance, p99", one.get(scenario.name()).p99(), "ms");
                Summary.print("lookup", scenario.name() + ", 3 instances, p99", three.get(scenario.name()).p99(), "ms");
            }
        }
    }

    private static String[] instanceArgs(int port) {
        return new String[] {"--application-id", APP, "--http-host", "127.0.0.1", "--http-port", Integer.toString(port),
            "--application-server", "127.0.0.1:" + port, "--standby-replicas", "1"};
    }

    /** Every instance ready, nothing left to count, so that lookups measure lookups. */
    private static void awaitReady(BenchCluster cluster, List<Integer> ports) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (true) {
            boolean ready = cluster.lag(APP)[0] == 0;
            for (int port : ports) {
                ready &= BenchCluster.ready(http, port);
            }
            if (ready) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("instances not ready within 5 minutes");
            }
            Thread.sleep(250);
        }
    }

    private static Map<String, Result> runAll(List<Scenario> scenarios, int port, Path lua, int seconds) throws Exception {
        Map<String, Result> results = new LinkedHashMap<>();
        // Unmeasured runs of every scenario first, so the JIT and connection pools are warm for all rows alike.
        for (Scenario scenario : scenarios) {
            wrk(scenario, port, lua, 3);
        }
        for (Scenario scenario : scenarios) {
            results.put(scenario.name(), wrk(scenario, port, lua, seconds));
            System.err.printf("%s: %s%n", scenario.name(), results.get(scenario.name()));
        }
        return results;
    }

    private static Result wrk(Scenario s, int port, Path lua, int seconds) throws Exception {
        String out = BenchCluster.run(Path.of("/dev/null"), seconds + 60L, "wrk", "-t2", "-c" + s.connections(), "-d" + seconds + "s",
                "--timeout", "5s", "-s", lua.toString(), "http://127.0.0.1:" + port + s.path(),
                "--", s.mode(), s.urlFile(), Integer.toString(s.delayMs()), Integer.toString(s.batch()));
        String line = out.lines().filter(l -> l.startsWith("RESULT")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no RESULT from wrk:\n" + out));
        Map<String, Long> v = new LinkedHashMap<>();
        for (String pair : line.substring("RESULT ".length()).split(" ")) {
            v.put(pair.split("=")[0], Long.parseLong(pair.split("=")[1]));
        }
        return new Result(v.get("requests") / (v.get("duration_us") / 1e6), v.get("p50") / 1000.0, v.get("p99") / 1000.0,
                v.get("p999") / 1000.0, v.get("errors"));
    }
}
