package io.linktally.bench;

import io.linktally.archive.ArchiveReader;
import io.linktally.archive.ObjectStore;
import io.linktally.archive.S3ObjectStore;
import io.linktally.events.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * scripts/bench/archive: publishes N synthetic events to a standalone broker, then, in each of
 * several rounds, measures how fast Kafka's own consumer perf tool fetches them and how fast a new
 * {@code linktally archive} group stores them all in S3Proxy (a separate process on the same
 * machine), from its first fetched record until its committed offsets reach the end. As a batch
 * run would be, the archiver is stopped once it has read everything, so that its drain stores the
 * last objects at once rather than when they reach their age. Each round's archive is read back
 * to check that every offset is there exactly once; the table ends with the median ratio.
 */
public final class ArchiveBench {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** One round: the perf tool's fetch rate, then a fresh archiver group over the same records. */
    private record Round(double fetchRate, double seconds, double wall, double archiverCpu, double s3Cpu, Check check) {
        double ratio(long events) {
            return events / seconds / fetchRate;
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = BenchCluster.options(args);
        long events = Long.parseLong(opts.getOrDefault("events", "1000000"));
        int rounds = Integer.parseInt(opts.getOrDefault("rounds", "3"));
        Path jar = Path.of(opts.getOrDefault("jar", "target/linktally.jar")).toAbsolutePath();
        List<String> archiveArgs = BenchCluster.split(opts.getOrDefault("archive-args", ""));

        try (BenchCluster cluster = BenchCluster.start(jar)) {
            System.err.printf("bench: %d events, %d rounds, work dir %s%n", events, rounds, cluster.work());
            cluster.linktally("produce.log", 1800, "produce", "--bootstrap-servers", cluster.bootstrap(),
                    "--synthetic", Long.toString(events));
            BenchCluster.S3 s3Server = cluster.s3();
            try (S3Client client = s3Server.client()) {
                List<Round> results = new ArrayList<>();
                for (int round = 1; round <= rounds; round++) {
                    double fetchRate = fetchRate(cluster, events, round);
                    Round result = archive(cluster, s3Server, client, jar, opts, archiveArgs, events, round, fetchRate);
                    System.err.printf("round %d: fetch %,.0f/s, archive %,.0f/s, ratio %.2f%n", round, fetchRate, events / result.seconds(),
                            result.ratio(events));
                    results.add(result);
                }

                System.out.println();
                System.out.printf("## linktally archive benchmark (%d cores; broker, S3Proxy and the archiver on the same machine)%n%n",
                        Runtime.getRuntime().availableProcessors());
                System.out.printf("%,d synthetic link-created events, 6 partitions, archive options: %s%n", events,
                        archiveArgs.isEmpty() ? "defaults (gzip level 1, objects of 100,000 records, 64 MiB or 60 s)"
                                : String.join(" ", archiveArgs));
                System.out.printf("%d rounds, each the perf tool then a new archiver group into its own prefix; the perf tool's own rate"
                        + " varies from run to run, so each archive run is set against the perf run just before it. The archiver is"
                        + " stopped (SIGTERM) once it has read every event, and its drain stores the open objects%n%n", rounds);
                System.out.println("| round | fetch/s (ConsumerPerformance) | archive/s (first fetch to all stored and committed) | archive / fetch"
                        + " | incl. JVM start and group join, s | archiver µs CPU/event | S3Proxy CPU s | read back |");
                System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
                boolean exact = true;
                for (int i = 0; i < results.size(); i++) {
                    Round r = results.get(i);
                    Check check = r.check();
                    boolean roundExact = check.records == events && check.doubled == 0;
                    exact &= roundExact;
                    System.out.printf("| %d | %,.0f | %,.0f | %.2f | %.1f | %.2f | %.1f | %s |%n", i + 1, r.fetchRate(), events / r.seconds(),
                            r.ratio(events), r.wall(), r.archiverCpu() * 1e6 / events, r.s3Cpu(),
                            roundExact ? String.format("exact: %d objects, %.1f bytes/event", check.objects, (double) check.bytes / events)
                                    : String.format("MISMATCH: %,d records, %d missing, %d doubled", check.records, check.missing(events), check.doubled));
                }
                Round median = results.stream().sorted(Comparator.comparingDouble(r -> r.ratio(events))).toList().get(results.size() / 2);
                System.out.printf("%nmedian archive / fetch = %.2f%n", median.ratio(events));
                if (!exact) {
                    System.exit(1);
                }
                Summary.print("archive", String.format("archive %,d events to S3Proxy (median of %d rounds)", events, rounds),
                        events / median.seconds(), "events/s", "kafka ConsumerPerformance fetch", median.fetchRate());
            }
        }
    }

    private static double fetchRate(BenchCluster cluster, long events, int round) throws Exception {
        String perf = BenchCluster.run(cluster.work().resolve("perf-" + round + ".log"), 1800, "java", "-cp", System.getProperty("java.class.path"),
                "org.apache.kafka.tools.ConsumerPerformance", "--bootstrap-server", cluster.bootstrap(), "--topic", Topics.LINKS_CREATED,
                "--num-records", Long.toString(events), "--group", "bench-perf-" + round, "--timeout", "60000");
        return BenchCluster.perfColumn(perf, "fetch.nMsg.sec");
    }

    private static Round archive(BenchCluster cluster, BenchCluster.S3 s3Server, S3Client client, Path jar, Map<String, String> opts,
                                 List<String> archiveArgs, long events, int round, double fetchRate) throws Exception {
        Process s3 = s3Server.process();
        URI endpoint = s3Server.endpoint();
        String group = "bench-archiver-" + round;
        String prefix = "raw/round-" + round;
        int httpPort = BenchCluster.freePort();
        List<String> command = new ArrayList<>(List.of("java", "-Xmx1g"));
        // As README and the deployment files run it: a batch job, on the throughput collector.
        command.addAll(BenchCluster.split(opts.getOrDefault("archive-jvm-args", "-XX:+UseParallelGC")));
        command.addAll(List.of("-jar", jar.toString(), "archive",
                "--bootstrap-servers", cluster.bootstrap(), "--archive", "s3://" + BenchCluster.S3.BUCKET + "/" + prefix,
                "--s3-endpoint", endpoint.toString(), "--archive-group-id", group,
                "--topics", Topics.LINKS_CREATED, "--http-host", "127.0.0.1", "--http-port", Integer.toString(httpPort)));
        command.addAll(archiveArgs);
        long start = System.nanoTime();
        Process archiver = cluster.process("archive-" + round, BenchCluster.S3.ENVIRONMENT, command.toArray(String[]::new));
        long firstFetch = 0;
        double[] cpuAtFirstFetch = null;
        double[] cpuLast = null;
        boolean stopped = false;
        long done;
        while (true) {
            long now = System.nanoTime();
            boolean alive = archiver.isAlive();
            if (alive) {
                try {
                    cpuLast = new double[] {BenchCluster.cpuSeconds(archiver), BenchCluster.cpuSeconds(s3)};
                } catch (IOException e) {
                    // It exited between the two checks: the previous reading stands.
                }
            }
            if (!stopped) {
                double consumed = recordsConsumed(httpPort);
                if (firstFetch == 0 && consumed > 0) {
                    firstFetch = now;
                    cpuAtFirstFetch = cpuLast;
                }
                // As a batch run ends: once it has read every event, the archiver is stopped, and
                // its drain stores the open objects at once instead of when they reach their age.
                if (consumed >= events) {
                    archiver.destroy();
                    stopped = true;
                }
            }
            if (stopped && cluster.committed(group, Topics.LINKS_CREATED) >= events) {
                done = now;
                break;
            }
            if (!alive) {
                throw new IllegalStateException("archive exited with " + archiver.exitValue() + " and its group committed "
                        + cluster.committed(group, Topics.LINKS_CREATED) + " of " + events + " events; see "
                        + cluster.work().resolve("archive-" + round + ".log"));
            }
            if ((now - start) / 1e9 > 1800) {
                throw new IllegalStateException("archive did not store everything within 30 minutes");
            }
            Thread.sleep(50);
        }
        double archiverCpu = cpuLast[0] - cpuAtFirstFetch[0];
        double s3Cpu = cpuLast[1] - cpuAtFirstFetch[1];
        if (!archiver.waitFor(60, TimeUnit.SECONDS) || archiver.exitValue() != 0) {
            throw new IllegalStateException("archive did not exit 0 after SIGTERM; see " + cluster.work().resolve("archive-" + round + ".log"));
        }
        Check check = check(new S3ObjectStore(client, BenchCluster.S3.BUCKET, prefix));
        return new Round(fetchRate, (done - firstFetch) / 1e9, (done - start) / 1e9, archiverCpu, s3Cpu, check);
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
