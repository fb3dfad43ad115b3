package io.linktally.bench;

import io.linktally.archive.ArchiveReader;
import io.linktally.archive.ObjectStore;
import io.linktally.archive.S3ObjectStore;
import io.linktally.events.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * scripts/bench/archive: publishes N synthetic events to a standalone broker, then in the same run
 * measures how fast Kafka's own consumer perf tool fetches them and how fast {@code linktally
 * archive} stores them all in S3Proxy (a separate process on the same machine), from its first
 * fetched record until its committed offsets reach the end; reads the archive back to check that
 * every offset is there exactly once, and prints a table.
 */
public final class ArchiveBench {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = BenchCluster.options(args);
        long events = Long.parseLong(opts.getOrDefault("events", "1000000"));
        Path jar = Path.of(opts.getOrDefault("jar", "target/linktally.jar")).toAbsolutePath();
        List<String> archiveArgs = BenchCluster.split(opts.getOrDefault("archive-args", ""));

        try (BenchCluster cluster = BenchCluster.start(jar)) {
            System.err.printf("bench: %d events, work dir %s%n", events, cluster.work());
            cluster.linktally("produce.log", 1800, "produce", "--bootstrap-servers", cluster.bootstrap(),
                    "--synthetic", Long.toString(events));
            String perf = BenchCluster.run(cluster.work().resolve("perf.log"), 1800, "java", "-cp", System.getProperty("java.class.path"),
                    "org.apache.kafka.tools.ConsumerPerformance", "--bootstrap-server", cluster.bootstrap(), "--topic", Topics.LINKS_CREATED,
                    "--num-records", Long.toString(events), "--group", "bench-perf", "--timeout", "60000");
            double fetchRate = BenchCluster.perfColumn(perf, "fetch.nMsg.sec");

            BenchCluster.S3 s3Server = cluster.s3();
            Process s3 = s3Server.process();
            URI endpoint = s3Server.endpoint();
            try (S3Client client = s3Server.client()) {

                int httpPort = BenchCluster.freePort();
                List<String> command = new ArrayList<>(List.of("java", "-Xmx1g"));
                // As README and the deployment files run it: a batch job, on the throughput collector.
                command.addAll(BenchCluster.split(opts.getOrDefault("archive-jvm-args", "-XX:+UseParallelGC")));
                command.addAll(List.of("-jar", jar.toString(), "archive",
                        "--bootstrap-servers", cluster.bootstrap(), "--archive", "s3://" + BenchCluster.S3.BUCKET + "/raw", "--s3-endpoint", endpoint.toString(),
                        "--topics", Topics.LINKS_CREATED, "--http-host", "127.0.0.1", "--http-port", Integer.toString(httpPort)));
                if (!archiveArgs.contains("--max-object-age")) {
                    // The last, partial object of each partition closes by age: keep that tail short.
                    command.addAll(List.of("--max-object-age", "1s"));
                }
                command.addAll(archiveArgs);
                long start = System.nanoTime();
                Process archiver = cluster.process("archive", BenchCluster.S3.ENVIRONMENT, command.toArray(String[]::new));
                long firstFetch = 0;
                double[] cpuAtFirstFetch = null;
                long done;
                while (true) {
                    long now = System.nanoTime();
                    if (!archiver.isAlive()) {
                        throw new IllegalStateException("archive exited with " + archiver.exitValue() + "; see " + cluster.work().resolve("archive.log"));
                    }
                    if (firstFetch == 0 && recordsConsumed(httpPort) > 0) {
                        firstFetch = now;
                        cpuAtFirstFetch = new double[] {BenchCluster.cpuSeconds(archiver), BenchCluster.cpuSeconds(s3)};
                    }
                    if (firstFetch != 0 && cluster.committed("linktally-archiver", Topics.LINKS_CREATED) >= events) {
                        done = now;
                        break;
                    }
                    if ((now - start) / 1e9 > 1800) {
                        throw new IllegalStateException("archive did not store everything within 30 minutes");
                    }
                    Thread.sleep(50);
                }
                double archiverCpu = BenchCluster.cpuSeconds(archiver) - cpuAtFirstFetch[0];
                double s3Cpu = BenchCluster.cpuSeconds(s3) - cpuAtFirstFetch[1];
                double seconds = (done - firstFetch) / 1e9;
                double wall = (done - start) / 1e9;
                Check check = check(new S3ObjectStore(client, BenchCluster.S3.BUCKET, "raw"));

                System.out.println();
                System.out.printf("## linktally archive benchmark (%d cores; broker, S3Proxy and the archiver on the same machine)%n%n",
                        Runtime.getRuntime().availableProcessors());
                System.out.printf("%,d synthetic link-created events, 6 partitions, archive options: %s%n%n", events,
                        archiveArgs.isEmpty() ? "defaults (gzip level 1, 100,000 records or 64 MiB per object) and --max-object-age 1s"
                                : String.join(" ", archiveArgs));
                System.out.println("| measure | events/s | seconds |");
                System.out.println("| --- | ---: | ---: |");
                System.out.printf("| fetch (kafka ConsumerPerformance, fetch.nMsg.sec) | %,.0f | %.1f |%n", fetchRate, events / fetchRate);
                System.out.printf("| archive to S3Proxy (first fetch to all offsets committed) | %,.0f | %.1f |%n", events / seconds, seconds);
                System.out.printf("| archive incl. JVM start and group join | %,.0f | %.1f |%n", events / wall, wall);
                System.out.printf("%narchive / fetch = %.2f; archiver %.1f CPU-seconds (%.1f µs/event), S3Proxy %.1f%n",
                        events / seconds / fetchRate, archiverCpu, archiverCpu * 1e6 / events, s3Cpu);
                System.out.printf("%d objects, %,d bytes stored (%.1f bytes/event); read back: %,d records, %d missing, %d doubled: %s%n",
                        check.objects, check.bytes, (double) check.bytes / events, check.records, check.missing(events), check.doubled,
                        check.records == events && check.doubled == 0 ? "exact" : "MISMATCH");
                if (check.records != events || check.doubled != 0) {
                    System.exit(1);
                }
                Summary.print("archive", String.format("archive %,d events to S3Proxy", events), events / seconds, "events/s",
                        "kafka ConsumerPerformance fetch", fetchRate);
            }
        }
    }

    /** Records the archiver's consumer has fetched, from its /metrics; 0 until it answers. */
    private static double recordsConsumed(int httpPort) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.body().lines().filter(line -> line.startsWith("kafka_consumer_fetch_manager_records_consumed_total{"))
                    .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
        } catch (Exception e) {
            return 0;
        }
    }

    private record Check(int objects, long bytes, long records, long doubled, Map<Integer, BitSet> seen) {
        long missing(long events) {
            return events - seen.values().stream().mapToLong(BitSet::cardinality).sum();
        }
    }

    private static Check check(ObjectStore store) throws Exception {
        List<ObjectStore.StoredObject> objects = new ArrayList<>();
        store.list(Topics.LINKS_CREATED + "/", objects::add);
        Map<Integer, BitSet> seen = new HashMap<>();
        long[] counts = new long[2];
        long bytes = 0;
        for (ObjectStore.StoredObject object : objects) {
            bytes += object.size();
            ArchiveReader.forEach(store, object.key(), record -> {
                BitSet offsets = seen.computeIfAbsent(record.partition(), p -> new BitSet());
                if (offsets.get((int) record.offset())) {
                    counts[1]++;
                }
                offsets.set((int) record.offset());
                counts[0]++;
            });
        }
        return new Check(objects.size(), bytes, counts[0], counts[1], seen);
    }

}
