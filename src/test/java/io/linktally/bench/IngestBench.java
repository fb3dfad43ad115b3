package io.linktally.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linktally.events.SyntheticLinks;
import io.linktally.events.Topics;
import io.linktally.kafka.KafkaClients;
import io.linktally.topology.TopologyNames;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * scripts/bench/ingest: publishes N synthetic link-created events to a standalone broker, then in
 * the same run measures how fast Kafka's own consumer perf tool fetches them and how fast
 * {@code serve} counts them all (until its committed offsets reach the end of the input and of its
 * repartition topic), checks that the counts add up exactly, and prints a table.
 */
public final class IngestBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = options(args);
        long events = Long.parseLong(opts.getOrDefault("events", "1000000"));
        int urls = Integer.parseInt(opts.getOrDefault("urls", "100000"));
        String threads = opts.getOrDefault("stream-threads", "2");
        String commit = opts.getOrDefault("commit-interval", "500ms");
        String guarantee = opts.getOrDefault("processing-guarantee", "exactly_once_v2");
        String extra = opts.getOrDefault("serve-args", "");
        Path jar = Path.of(opts.getOrDefault("jar", "target/linktally.jar")).toAbsolutePath();
        Path work = Files.createTempDirectory("linktally-bench-");
        int kafkaPort = freePort();
        String bootstrap = "localhost:" + kafkaPort;
        List<Process> processes = new ArrayList<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> processes.forEach(Process::destroyForcibly)));

        System.err.printf("bench: %d events over %d URLs, work dir %s%n", events, urls, work);
        Process broker = start(work.resolve("broker.log"), "java", "-Xmx1g", "-jar", jar.toString(), "broker",
                "--port", Integer.toString(kafkaPort), "--controller-port", Integer.toString(freePort()),
                "--data-dir", work.resolve("broker").toString());
        processes.add(broker);
        run(work.resolve("topics.log"), 120, "java", "-jar", jar.toString(), "topics", "--bootstrap-servers", bootstrap);

        long produceStart = System.nanoTime();
        String produced = run(work.resolve("produce.log"), 1800, "java", "-jar", jar.toString(), "produce",
                "--bootstrap-servers", bootstrap, "--synthetic", Long.toString(events), "--urls", Integer.toString(urls));
        double produceSeconds = (System.nanoTime() - produceStart) / 1e9;
        long repeats = Long.parseLong(match(produced, "\\((\\d+) repeat"));

        String perf = run(work.resolve("perf.log"), 1800, "java", "-cp", System.getProperty("java.class.path"),
                "org.apache.kafka.tools.ConsumerPerformance", "--bootstrap-server", bootstrap, "--topic", Topics.LINKS_CREATED,
                "--num-records", Long.toString(events), "--group", "bench-perf", "--timeout", "60000");
        double fetchRate = perfColumn(perf, "fetch.nMsg.sec");

        String app = "bench-ingest";
        int httpPort = freePort();
        long serveStart = System.nanoTime();
        List<String> serve = new ArrayList<>(List.of(opts.getOrDefault("serve-java", "java"), "-Xmx2g"));
        String jvm = opts.getOrDefault("serve-jvm-args", "");
        if (!jvm.isBlank()) {
            serve.addAll(List.of(jvm.trim().split("\\s+")));
        }
        serve.addAll(List.of("-jar", jar.toString(), "serve",
                "--bootstrap-servers", bootstrap, "--application-id", app, "--data-dir", work.resolve("serve").toString(),
                "--http-host", "127.0.0.1", "--http-port", Integer.toString(httpPort),
                "--stream-threads", threads, "--commit-interval", commit, "--processing-guarantee", guarantee));
        if (!extra.isBlank()) {
            serve.addAll(List.of(extra.trim().split("\\s+")));
        }
        Process serveProcess = start(work.resolve("serve.log"), serve.toArray(String[]::new));
        processes.add(serveProcess);
        long firstProgress = 0;
        double[] cpuAtFirstProgress = null;
        long done;
        String repartition = app + "-" + TopologyNames.BY_URL_REPARTITION + "-repartition";
        try (Admin admin = KafkaClients.admin(bootstrap)) {
            while (true) {
                long[] lag = lagOrNotStarted(admin, app, List.of(Topics.LINKS_CREATED, repartition));
                long now = System.nanoTime();
                if (firstProgress == 0 && lag[1] > 0) {
                    firstProgress = now;
                    cpuAtFirstProgress = new double[] {cpuSeconds(serveProcess), cpuSeconds(broker)};
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
        }
        double serveCpu = cpuSeconds(serveProcess) - cpuAtFirstProgress[0];
        double brokerCpu = cpuSeconds(broker) - cpuAtFirstProgress[1];
        double countSeconds = (done - firstProgress) / 1e9;
        double wallSeconds = (done - serveStart) / 1e9;
        double countRate = events / countSeconds;
        long counted = totalShares(httpPort, urls);
        String threadCpu = cpuByThreadGroup(serveProcess);

        System.out.println();
        System.out.printf("## linktally ingest benchmark (%d cores, %d MiB max heap of this driver)%n%n",
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
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
        processes.forEach(Process::destroy);
        for (Process p : processes) {
            p.waitFor(60, TimeUnit.SECONDS);
        }
        if (counted != events - repeats) {
            System.exit(1);
        }
    }

    /** Until serve has created its repartition topic, nothing is counted yet. */
    private static long[] lagOrNotStarted(Admin admin, String group, List<String> topics) throws Exception {
        try {
            return lag(admin, group, topics);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
                return new long[] {Long.MAX_VALUE, 0};
            }
            throw e;
        }
    }

    /** [lag, committed] summed over the partitions of the topics. */
    private static long[] lag(Admin admin, String group, List<String> topics) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get().forEach((topic, d) ->
                d.partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
        var ends = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get();
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        long lag = 0;
        long input = 0;
        for (var end : ends.entrySet()) {
            OffsetAndMetadata c = committed.get(end.getKey());
            long done = c == null ? 0 : c.offset();
            lag += end.getValue().offset() - done;
            if (end.getKey().topic().equals(Topics.LINKS_CREATED)) {
                input += done;
            }
        }
        return new long[] {lag, input};
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
        Map<String, Double> byGroup = new java.util.TreeMap<>();
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
                .map(e -> String.format("%s %.1fs", e.getKey(), e.getValue())).collect(java.util.stream.Collectors.joining(", "));
    }

    /** User plus system CPU time of a process, from /proc (Linux). */
    private static double cpuSeconds(Process process) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return ticks / 100.0;
    }

    private static double perfColumn(String output, String column) {
        String[] lines = output.strip().split("\\R");
        for (int i = 0; i < lines.length - 1; i++) {
            if (lines[i].contains(column)) {
                List<String> header = List.of(lines[i].split(",\\s*"));
                String[] values = lines[i + 1].split(",\\s*");
                return Double.parseDouble(values[header.indexOf(column)].trim());
            }
        }
        throw new IllegalStateException("no " + column + " in ConsumerPerformance output:\n" + output);
    }

    private static Process start(Path log, String... command) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static String run(Path log, long timeoutSeconds, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed; see " + log + "\n" + out);
        }
        return out;
    }

    private static String match(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("no match for " + regex + " in: " + text);
        }
        return m.group(1);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return opts;
    }
}
