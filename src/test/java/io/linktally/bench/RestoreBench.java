package io.linktally.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linktally.topology.LinkCounts;
import io.linktally.topology.TopologyNames;
import java.io.IOException;
import java.net.URI;
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
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * scripts/bench/restore: how fast a new {@code serve} instance restores a store of N URLs (10M by
 * default) from its changelog, against Kafka's own consumer perf tool reading the same changelog,
 * and how much memory {@code serve} holds with those N URLs against the same process empty.
 *
 * <p>The counts changelog is written directly, as the counting task would have written it after
 * seeing N distinct URLs: counting 10M distinct URLs through {@code serve} first would take longer
 * than the restore it is here to measure. Restored counts are checked exact on a sample.
 */
public final class RestoreBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String APP = "bench-restore";

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = BenchCluster.options(args);
        int urls = Integer.parseInt(opts.getOrDefault("urls", "10000000"));
        String heap = opts.getOrDefault("serve-heap", "1g");
        Path jar = Path.of(opts.getOrDefault("jar", "target/linktally.jar")).toAbsolutePath();
        try (BenchCluster cluster = BenchCluster.start(jar)) {
            System.err.printf("bench: %d URLs, work dir %s%n", urls, cluster.work());

            // An empty instance first: Streams creates its internal topics, and its memory is the baseline.
            int emptyPort = BenchCluster.freePort();
            Process empty = serve(cluster, "serve-empty", emptyPort, heap);
            awaitReady(emptyPort, 300);
            Memory emptyMemory = Memory.of(empty);
            empty.destroy();
            empty.waitFor(120, TimeUnit.SECONDS);

            String changelog = APP + "-" + TopologyNames.COUNTS_STORE + "-changelog";
            long writeStart = System.nanoTime();
            writeChangelog(cluster.bootstrap(), changelog, urls);
            double writeSeconds = (System.nanoTime() - writeStart) / 1e9;

            String perf = BenchCluster.run(cluster.work().resolve("perf.log"), 1800, "java", "-cp", System.getProperty("java.class.path"),
                    "org.apache.kafka.tools.ConsumerPerformance", "--bootstrap-server", cluster.bootstrap(), "--topic", changelog,
                    "--num-records", Integer.toString(urls), "--group", "bench-perf", "--timeout", "60000");
            double fetchRate = BenchCluster.perfColumn(perf, "fetch.nMsg.sec");

            // A new instance over an empty state directory restores every partition of the store.
            int port = BenchCluster.freePort();
            long serveStart = System.nanoTime();
            Process serve = serve(cluster, "serve-restore", port, heap);
            long firstRestored = 0;
            long restored = 0;
            long deadline = serveStart + TimeUnit.MINUTES.toNanos(30);
            while (restored < urls) {
                if (System.nanoTime() > deadline || !serve.isAlive()) {
                    throw new IllegalStateException("serve did not restore " + urls + " records (" + restored + " so far); see "
                            + cluster.work().resolve("serve-restore.log"));
                }
                restored = restoredRecords(port);
                if (firstRestored == 0 && restored > 0) {
                    firstRestored = System.nanoTime();
                }
                Thread.sleep(50);
            }
            long restoreDone = System.nanoTime();
            awaitReady(port, 300);
            double readySeconds = (System.nanoTime() - serveStart) / 1e9;
            double restoreSeconds = (restoreDone - firstRestored) / 1e9;
            double restoreRate = urls / restoreSeconds;
            Memory fullMemory = Memory.of(serve);
            int checked = checkSample(port, urls);
            // A clean stop flushes the memtables, so the files hold the whole store.
            serve.destroy();
            serve.waitFor(120, TimeUnit.SECONDS);
            long stateBytes = directoryBytes(cluster.work().resolve("serve-restore").resolve("state"));

            System.out.println();
            System.out.printf("## linktally state restore and memory benchmark (%d cores, %.0f GiB; broker and serve on the same machine)%n%n",
                    Runtime.getRuntime().availableProcessors(), Memory.machineBytes() / (1024.0 * 1024 * 1024));
            System.out.printf("%,d URLs in the counts store (changelog of 6 partitions, written in %.1f s); serve -Xmx%s, default RocksDB bounds%n%n",
                    urls, writeSeconds, heap);
            System.out.println("| measure | keys/s | seconds |");
            System.out.println("| --- | ---: | ---: |");
            System.out.printf("| fetch the changelog (kafka ConsumerPerformance, fetch.nMsg.sec) | %,.0f | %.1f |%n", fetchRate, urls / fetchRate);
            System.out.printf("| restore (serve, first to last restored record) | %,.0f | %.1f |%n", restoreRate, restoreSeconds);
            System.out.printf("| start to ready (JVM start, rebalance, restore) | %,.0f | %.1f |%n", urls / readySeconds, readySeconds);
            System.out.println();
            System.out.println("| serve memory | empty | holding the URLs |");
            System.out.println("| --- | ---: | ---: |");
            System.out.printf("| resident set (RSS) | %s | %s |%n", mib(emptyMemory.rss), mib(fullMemory.rss));
            System.out.printf("| Java heap used after a full GC | %s | %s |%n", mib(emptyMemory.heapUsed), mib(fullMemory.heapUsed));
            System.out.printf("| state directory on disk, after a clean stop | - | %s |%n", mib(stateBytes));
            System.out.printf("%nrestore / fetch = %.2f; %d sampled counts checked exact%n", restoreRate / fetchRate, checked);
            Summary.print("restore", "state restore of " + millions(urls) + " URLs", restoreRate, "keys/s",
                    "kafka ConsumerPerformance on the changelog", fetchRate);
            Summary.print("memory", "serve RSS holding " + millions(urls) + " URLs", fullMemory.rss / (1024.0 * 1024), "MiB",
                    "serve RSS empty", emptyMemory.rss / (1024.0 * 1024));
            Summary.print("memory", "serve heap after GC holding " + millions(urls) + " URLs", fullMemory.heapUsed / (1024.0 * 1024), "MiB",
                    "serve heap after GC empty", emptyMemory.heapUsed / (1024.0 * 1024));
        }
        System.exit(0);
    }

    private static Process serve(BenchCluster cluster, String name, int port, String heap) throws IOException {
        return cluster.serve(name, List.of("java", "-Xmx" + heap), "--application-id", APP, "--http-host", "127.0.0.1",
                "--http-port", Integer.toString(port), "--standby-replicas", "0");
    }

    /** The counts of URL i: distinct per URL, so that a sample shows any key restored wrong. */
    private static LinkCounts countsOf(int i) {
        return new LinkCounts(i % 997 + 1, i % 89, i % 7);
    }

    private static String urlOf(int i) {
        return "https://restore.example/u/" + i;
    }

    private static void writeChangelog(String bootstrap, String topic, int urls) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 50);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        Serializer<LinkCounts> values = LinkCounts.SERDE.serializer();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < urls; i++) {
                // The default partitioner hashes the key bytes as Streams does for the store's task.
                producer.send(new ProducerRecord<>(topic, urlOf(i).getBytes(StandardCharsets.UTF_8), values.serialize(topic, countsOf(i))));
                if (i % 1_000_000 == 999_999) {
                    System.err.printf("bench: %,d changelog records written%n", i + 1);
                }
            }
            producer.flush();
        }
    }

    /** The restored-records counter of serve's /metrics. */
    private static long restoredRecords(int port) throws IOException, InterruptedException {
        try {
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
            return metrics.lines().filter(line -> line.startsWith("linktally_restore_records_total"))
                    .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
        } catch (IOException e) {
            return 0; // not listening yet
        }
    }

    private static void awaitReady(int port, long timeoutSeconds) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (!BenchCluster.ready(http, port)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("serve on port " + port + " was not ready within " + timeoutSeconds + " s");
            }
            Thread.sleep(200);
        }
    }

    /** Every 1000th URL, asked in batches: each must come back with exactly the counts written. */
    private static int checkSample(int port, int urls) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        List<Integer> sample = new ArrayList<>();
        for (int i = 0; i < urls; i += 1000) {
            sample.add(i);
        }
        sample.add(urls - 1);
        for (int from = 0; from < sample.size(); from += 1000) {
            List<Integer> ids = sample.subList(from, Math.min(sample.size(), from + 1000));
            List<String> batch = ids.stream().map(RestoreBench::urlOf).toList();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/counts"))
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("urls", batch)))).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode counts = JSON.readTree(response.body()).get("counts");
            for (int k = 0; k < ids.size(); k++) {
                LinkCounts expected = countsOf(ids.get(k));
                JsonNode answer = counts.get(k);
                if (answer.get("shares").asLong() != expected.shares() || answer.get("clicks").asLong() != expected.clicks()) {
                    throw new IllegalStateException("restored counts of " + batch.get(k) + " are " + answer + ", written " + expected);
                }
            }
        }
        return sample.size();
    }

    private static long directoryBytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        }
    }

    private static String mib(long bytes) {
        return String.format("%,.0f MiB", bytes / (1024.0 * 1024));
    }

    private static String millions(int n) {
        return n % 1_000_000 == 0 ? n / 1_000_000 + "M" : String.format("%,d", n);
    }

    /** A process's resident set and its Java heap in use after a full GC. */
    private record Memory(long rss, long heapUsed) {
        static Memory of(Process process) throws IOException, InterruptedException {
            String pid = Long.toString(process.pid());
            BenchCluster.run(Path.of("/dev/null"), 60, "jcmd", pid, "GC.run");
            String heapInfo = BenchCluster.run(Path.of("/dev/null"), 60, "jcmd", pid, "GC.heap_info");
            long heapUsed = Long.parseLong(BenchCluster.match(heapInfo, "total \\d+K, used (\\d+)K")) * 1024;
            String status = Files.readString(Path.of("/proc", pid, "status"));
            long rss = Long.parseLong(BenchCluster.match(status, "VmRSS:\\s+(\\d+) kB")) * 1024;
            return new Memory(rss, heapUsed);
        }

        static long machineBytes() throws IOException {
            return Long.parseLong(BenchCluster.match(Files.readString(Path.of("/proc/meminfo")), "MemTotal:\\s+(\\d+) kB")) * 1024;
        }
    }
}
