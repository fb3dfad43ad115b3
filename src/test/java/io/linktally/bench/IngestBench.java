package io.linktally.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linktally.events.SyntheticLinks;
import io.linktally.events.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * scripts/bench/ingest: publishes N synthetic link-created events to a standalone broker, then in
 * the same run measures how fast Kafka's own consumer perf tool fetches them and how fast
 * {@code serve} counts them all (until its committed offsets reach the end of the input and of its
 * repartition topic), checks that the counts add up exactly, and prints a table.
 */
public final class IngestBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = BenchCluster.options(args);
        long events = Long.parseLong(opts.getOrDefault("events", "1000000"));
        int urls = Integer.parseInt(opts.getOrDefault("urls", "100000"));
        String threads = opts.getOrDefault("stream-threads", "2");
        String commit = opts.getOrDefault("commit-interval", "500ms");
        String guarantee = opts.getOrDefault("processing-guarantee", "exactly_once_v2");
        Path jar = Path.of(opts.getOrDefault("jar", "target/linktally.jar")).toAbsolutePath();

        try (BenchCluster cluster = BenchCluster.start(jar)) {
            System.err.printf("bench: %d events over %d URLs, work dir %s%n", events, urls, cluster.work());
            long produceStart = System.nanoTime();
            String produced = cluster.linktally("produce.log", 1800, "produce", "--bootstrap-servers", cluster.bootstrap(),
                    "--synthetic", Long.toString(events), "--urls", Integer.toString(urls));
            double produceSeconds = (System.nanoTime() - produceStart) / 1e9;
            long repeats = Long.parseLong(BenchCluster.match(produced, "\\((\\d+) repeat"));

            String perf = BenchCluster.run(cluster.work().resolve("perf.log"), 1800, "java", "-cp", System.getProperty("java.class.path"),
                    "org.apache.kafka.tools.ConsumerPerformance", "--bootstrap-server", cluster.bootstrap(), "--topic", Topics.LINKS_CREATED,
                    "--num-records", Long.toString(events), "--group", "bench-perf", "--timeout", "60000");
            double fetchRate = BenchCluster.perfColumn(perf, "fetch.nMsg.sec");

            String app = "bench-ingest";
            int httpPort = BenchCluster.freePort();
            List<String> jvm = new ArrayList<>(List.of(opts.getOrDefault("serve-java", "java"), "-Xmx2g"));
            jvm.addAll(BenchCluster.split(opts.getOrDefault("serve-jvm-args", "")));
            List<String> serveArgs = new ArrayList<>(List.of("--application-id", app, "--http-host", "127.0.0.1",
                    "--http-port", Integer.toString(httpPort), "--stream-threads", threads, "--commit-interval", commit,
                    "--processing-guarantee", guarantee));
            serveArgs.addAll(BenchCluster.split(opts.getOrDefault("serve-args", "")));
            long serveStart = System.nanoTime();
            Process serve = cluster.serve("serve", jvm, serveArgs.toArray(String[]::new));

            long firstProgress = 0;
            double[] cpuAtFirstProgress = null;
            long done;
            while (true) {
                long[] lag = cluster.lag(app);
                long now = System.nanoTime();
                if (firstProgress == 0 && lag[1] > 0) {
                    firstProgress = now;
                    cpuAtFirstProgress = new double[] {BenchCluster.cpuSeconds(serve), BenchCluster.cpuSeconds(cluster.broker())};
                }
                if (lag[1] >= events && lag[0] == 0) {
                    done = now;
                    break;
                }
                if ((now - serveStart) / 1e9 > 1800) {
                    throw new IllegalStateException("serve did not count everything within 30 minutes");
                }
                Thread.sleep(100);
            }
            double serveCpu = BenchCluster.cpuSeconds(serve) - cpuAtFirstProgress[0];
            double brokerCpu = BenchCluster.cpuSeconds(cluster.broker()) - cpuAtFirstProgress[1];
            double countSeconds = (done - firstProgress) / 1e9;
            double wallSeconds = (done - serveStart) / 1e9;
            double countRate = events / countSeconds;
            long counted = totalShares(httpPort, urls);
            String threadCpu = cpuByThreadGroup(serve);

            System.out.println();
            System.out.printf("## linktally ingest benchmark (%d cores)%n%n", Runtime.getRuntime().availableProcessors());
            System.out.printf("%d events over %d URLs (%d repeat an earlier update_id), 6 partitions, serve: %s threads, commit %s, %s%n%n",
                    events, urls, repeats, threads, commit, guarantee);
            System.out.println("| measure | events/s | seconds |");
            System.out.println("| --- | ---: | ---: |");
            System.out.printf("| produce (linktally produce --synthetic) | %,.0f | %.1f |%n", events / produceSeconds, produceSeconds);
            System.out.printf("| fetch (kafka ConsumerPerformance, fetch.nMsg.sec) | %,.0f | %.1f |%n", fetchRate, events / fetchRate);
            System.out.printf("| count (serve, first commit to zero lag) | %,.0f | %.1f |%n", countRate, countSeconds);
            System.out.printf("| count incl. JVM start and rebalance | %,.0f | %.1f |%n", events / wallSeconds, wallSeconds);
            System.out.printf("%nwhile counting: serve used %.1f CPU-seconds (%.0f µs/event), the broker %.1f (%.0f µs/event)%n",
                    serveCpu, serveCpu * 1e6 / events, brokerCpu, brokerCpu * 1e6 / events);
            System.out.printf("serve CPU by thread group over its whole life: %s%n", threadCpu);
            System.out.printf("count / fetch = %.2f; counted shares %d, expected %d: %s%n", countRate / fetchRate, counted,
                    events - repeats, counted == events - repeats ? "exact" : "MISMATCH");
            if (counted != events - repeats) {
                System.exit(1);
            }
            Summary.print("ingest", String.format("count %,d events (serve, %s)", events, guarantee), countRate, "events/s",
                    "kafka ConsumerPerformance fetch", fetchRate);
            Summary.print("ingest", "serve CPU per event", serveCpu * 1e6 / events, "µs");
        }
    }

    private static long totalShares(int httpPort, int urls) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long total = 0;
        for (int from = 1; from <= urls; from += 1000) {
            List<String> batch = new ArrayList<>();
            for (int rank = from; rank < from + 1000 && rank <= urls; rank++) {
                batch.add(SyntheticLinks.canonicalUrl(rank));
            }
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/v1/counts"))
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("urls", batch)))).build(),
                    HttpResponse.BodyHandlers.ofString());
            for (JsonNode count : JSON.readTree(response.body()).get("counts")) {
                total += count.get("shares").asLong();
            }
        }
        return total;
    }

    /** Where a process's CPU went, by thread name with numbers folded: stream, RocksDB, GC and JIT threads. */
    private static String cpuByThreadGroup(Process process) throws IOException {
        Map<String, Double> byGroup = new TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(process.pid()), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip().replaceAll("[0-9a-f]{8}-[0-9a-f-]+|\\d+", "#");
                    String stat = Files.readString(task.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    byGroup.merge(name, (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0, Double::sum);
                } catch (IOException e) {
                    // the thread ended while being read
                }
            }
        }
        return byGroup.entrySet().stream().filter(e -> e.getValue() >= 0.5)
                .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
                .map(e -> String.format("%s %.1fs", e.getKey(), e.getValue())).collect(Collectors.joining(", "));
    }
}
