package io.linktally.bench;

import io.linktally.events.Topics;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * scripts/bench/replay: archives N synthetic events to S3Proxy, then in the same run measures
 * Kafka's own producer perf tool and {@code linktally replay} publishing them to a new topic; then a
 * full rebuild on a second, empty broker: replay into its links.created while a fresh {@code serve}
 * counts, until the counts have caught up with every event.
 */
public final class ReplayBench {
    public static void main(String[] args) throws Exception {
        Map<String, String> opts = BenchCluster.options(args);
        long events = Long.parseLong(opts.getOrDefault("events", "1000000"));
        int recordSize = Integer.parseInt(opts.getOrDefault("record-size", "150"));
        Path jar = Path.of(opts.getOrDefault("jar", "target/linktally.jar")).toAbsolutePath();

        try (BenchCluster cluster = BenchCluster.start(jar)) {
            System.err.printf("bench: %d events, work dir %s%n", events, cluster.work());
            cluster.linktally("produce.log", 1800, "produce", "--bootstrap-servers", cluster.bootstrap(), "--synthetic", Long.toString(events));
            BenchCluster.S3 s3 = cluster.s3();
            String from = "s3://" + BenchCluster.S3.BUCKET + "/raw";
            Process archiver = cluster.process("archive", BenchCluster.S3.ENVIRONMENT, "java", "-Xmx1g", "-jar", jar.toString(), "archive",
                    "--bootstrap-servers", cluster.bootstrap(), "--archive", from, "--s3-endpoint", s3.endpoint().toString(),
                    "--topics", Topics.LINKS_CREATED, "--http-port", "0", "--max-object-age", "1s");
            while (cluster.committed("linktally-archiver", Topics.LINKS_CREATED) < events) {
                if (!archiver.isAlive()) {
                    throw new IllegalStateException("archive exited; see " + cluster.work().resolve("archive.log"));
                }
                Thread.sleep(200);
            }
            archiver.destroy();
            archiver.waitFor();

            cluster.linktally("perf-topic.log", 120, "topics", "--bootstrap-servers", cluster.bootstrap(), "--topics-dir",
                    topicsDir(cluster, "perf-target", "replay-target").toString());
            String perf = BenchCluster.run(cluster.work().resolve("producer-perf.log"), 1800, "java", "-cp", System.getProperty("java.class.path"),
                    "org.apache.kafka.tools.ProducerPerformance", "--topic", "perf-target", "--num-records", Long.toString(events),
                    "--record-size", Integer.toString(recordSize), "--throughput", "-1", "--producer-props",
                    "bootstrap.servers=" + cluster.bootstrap(), "acks=all", "enable.idempotence=true", "compression.type=lz4", "linger.ms=10",
                    "batch.size=524288");
            double producerRate = Double.parseDouble(lastMatch(perf, "([\\d.]+) records/sec"));

            long replayStart = System.nanoTime();
            String replayed = BenchCluster.run(cluster.work().resolve("replay.log"), 1800, envCommand(jar, "replay", "--from", from,
                    "--s3-endpoint", s3.endpoint().toString(), "--bootstrap-servers", cluster.bootstrap(), "--topics", Topics.LINKS_CREATED,
                    "--to-topic", Topics.LINKS_CREATED + "=replay-target"));
            double replayWall = (System.nanoTime() - replayStart) / 1e9;
            double replayRate = Double.parseDouble(BenchCluster.match(replayed, "\\(([\\d,]+) records/s\\)").replace(",", ""));
            long replayedRecords = Long.parseLong(BenchCluster.match(replayed, "replayed (\\d+) records"));

            double rebuildSeconds;
            try (BenchCluster fresh = BenchCluster.start(jar)) {
                String app = "bench-rebuild";
                fresh.serve("serve", List.of("java", "-Xmx1g"), "--application-id", app, "--http-host", "127.0.0.1",
                        "--http-port", Integer.toString(BenchCluster.freePort()));
                long rebuildStart = System.nanoTime();
                BenchCluster.run(fresh.work().resolve("rebuild-replay.log"), 1800, envCommand(jar, "replay", "--from", from,
                        "--s3-endpoint", s3.endpoint().toString(), "--bootstrap-servers", fresh.bootstrap(), "--topics", Topics.LINKS_CREATED));
                while (true) {
                    long[] lag = fresh.lag(app);
                    if (lag[1] >= events && lag[0] == 0) {
                        break;
                    }
                    if ((System.nanoTime() - rebuildStart) / 1e9 > 1800) {
                        throw new IllegalStateException("the rebuild did not finish within 30 minutes");
                    }
                    Thread.sleep(100);
                }
                rebuildSeconds = (System.nanoTime() - rebuildStart) / 1e9;
            }

            System.out.println();
            System.out.printf("## linktally replay benchmark (%d cores; broker, S3Proxy and replay on the same machine)%n%n",
                    Runtime.getRuntime().availableProcessors());
            System.out.printf("%,d synthetic link-created events archived to S3Proxy; ProducerPerformance with %d-byte records, "
                    + "acks=all, idempotent, lz4%n%n", events, recordSize);
            System.out.println("| measure | events/s | seconds |");
            System.out.println("| --- | ---: | ---: |");
            System.out.printf("| publish (kafka ProducerPerformance) | %,.0f | %.1f |%n", producerRate, events / producerRate);
            System.out.printf("| replay from S3Proxy to a new topic (its own summary) | %,.0f | %.1f |%n", replayRate, replayedRecords / replayRate);
            System.out.printf("| replay incl. JVM start and listing | %,.0f | %.1f |%n", replayedRecords / replayWall, replayWall);
            System.out.printf("| rebuild: replay into an empty cluster until serve has counted all | %,.0f | %.1f |%n",
                    events / rebuildSeconds, rebuildSeconds);
            System.out.printf("%nreplay / producer perf = %.2f; replayed %d of %d records%n", replayRate / producerRate, replayedRecords, events);
            if (replayedRecords != events) {
                System.exit(1);
            }
            Summary.print("replay", String.format("replay %,d events from S3Proxy", events), replayRate, "events/s",
                    "kafka ProducerPerformance", producerRate);
            Summary.print("replay", "rebuild: replay into an empty cluster until counted", events / rebuildSeconds, "events/s",
                    "kafka ProducerPerformance", producerRate);
        }
    }

    private static Path topicsDir(BenchCluster cluster, String... topics) throws java.io.IOException {
        Path dir = cluster.work().resolve("extra-topics");
        java.nio.file.Files.createDirectories(dir);
        for (String topic : topics) {
            java.nio.file.Files.writeString(dir.resolve(topic), "partitions=6\nreplication.factor=1\n");
        }
        return dir;
    }

    /** {@code env AWS_...=... java -jar linktally.jar ARGS}: the S3 credentials through the environment, as users pass them. */
    private static String[] envCommand(Path jar, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("env"));
        BenchCluster.S3.ENVIRONMENT.forEach((k, v) -> command.add(k + "=" + v));
        command.addAll(List.of("java", "-Xmx1g", "-jar", jar.toString()));
        command.addAll(List.of(args));
        return command.toArray(String[]::new);
    }

    private static String lastMatch(String text, String regex) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(regex).matcher(text);
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        if (last == null) {
            throw new IllegalStateException("no match for " + regex + " in: " + text);
        }
        return last;
    }
}
