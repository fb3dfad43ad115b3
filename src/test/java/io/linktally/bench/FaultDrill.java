package io.linktally.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linktally.archive.ArchiveReader;
import io.linktally.archive.ArchiveUri;
import io.linktally.archive.ObjectKeys;
import io.linktally.archive.ObjectStore;
import io.linktally.archive.ObjectStores;
import io.linktally.events.DeadLetterHeaders;
import io.linktally.events.Topics;
import io.linktally.kafka.KafkaClients;
import io.linktally.topology.LinkCounts;
import io.linktally.topology.TopologyNames;
import io.linktally.urls.CanonicalUrl;
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
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.utils.Utils;

/**
 * A fault drill on this machine, bounded in time: a standalone broker, S3Proxy, three serve
 * instances and the archiver. While N link-created events are published, an instance is killed
 * five times, the broker restarted once, S3 stopped for a minute and the archiver halted between
 * an upload and its offset commit. Then every count and the archive are checked against what was
 * sent: events lost, events counted twice, archive gaps and overlaps must all be 0.
 *
 * <pre>scripts/drill [--events 1000000] [--rate 4000] [--urls 20000] [--standby-replicas 1]</pre>
 */
public final class FaultDrill {
    private static final String APP = "drill";
    private static final String GROUP = "drill-archive";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BenchCluster cluster;
    private final Path jar;
    private BenchCluster.S3 s3;
    private final int[] ports = new int[3];
    private final Process[] serves = new Process[3];
    private Process archiver;
    private final long started = System.nanoTime();
    private final List<String> timeline = new ArrayList<>();
    private final int standbys;

    private FaultDrill(BenchCluster cluster, Path jar, int standbys) {
        this.cluster = cluster;
        this.jar = jar;
        this.standbys = standbys;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchCluster.options(args);
        int events = Integer.parseInt(options.getOrDefault("events", "1000000"));
        int rate = Integer.parseInt(options.getOrDefault("rate", "4000"));
        int urls = Integer.parseInt(options.getOrDefault("urls", "20000"));
        int standbys = Integer.parseInt(options.getOrDefault("standby-replicas", "1"));
        Path jar = Path.of("target", "linktally.jar");
        try (BenchCluster cluster = BenchCluster.start(jar)) {
            new FaultDrill(cluster, jar, standbys).run(events, rate, urls);
        }
        System.exit(0);
    }

    private void log(String what) {
        String line = String.format("%6.1f s  %s", (System.nanoTime() - started) / 1e9, what);
        timeline.add(line);
        System.out.println(line);
    }

    private void startServe(int i) throws Exception {
        if (ports[i] == 0) {
            ports[i] = BenchCluster.freePort();
        }
        serves[i] = cluster.serve("serve-" + i, List.of("java", "-Xmx384m", "-Dlogback.configurationFile=" + stateLogging()),
                "--application-id", APP, "--http-port", Integer.toString(ports[i]), "--application-server", "localhost:" + ports[i], "--standby-replicas", Integer.toString(standbys), "--stream-threads", "1",
                "--rocksdb-memory", "64MiB", "--rocksdb-write-buffers", "16MiB", "--record-cache", "16MiB");
    }

    /**
     * The serve logging, plus Kafka Streams' state and task lines at INFO: which copy each store
     * was initialised from, at which offset, and which tasks were found corrupted. A wrong count
     * is traced through these.
     */
    private Path stateLogging() throws IOException {
        Path file = cluster.work().resolve("drill-logback.xml");
        if (!Files.exists(file)) {
            String serveConfig = new String(FaultDrill.class.getResourceAsStream("/logback.xml").readAllBytes(), StandardCharsets.UTF_8);
            Files.writeString(file, serveConfig.replace("<root ", String.join("\n",
                    "<logger name=\"org.apache.kafka.streams.processor.internals.ProcessorStateManager\" level=\"INFO\"/>",
                    "  <logger name=\"org.apache.kafka.streams.processor.internals.TaskManager\" level=\"INFO\"/>",
                    "  <logger name=\"org.apache.kafka.streams.processor.internals.StateDirectory\" level=\"INFO\"/>",
                    "  <logger name=\"org.apache.kafka.streams.processor.internals.StoreChangelogReader\" level=\"INFO\"/>",
                    "  <root ")));
        }
        return file;
    }

    private Process startArchiver(String... extra) throws Exception {
        List<String> command = new ArrayList<>(List.of("java", "-Xmx384m", "-jar", jar.toString(), "archive",
                "--bootstrap-servers", cluster.bootstrap(), "--archive-group-id", GROUP, "--topics", Topics.LINKS_CREATED,
                "--archive", "s3://" + BenchCluster.S3.BUCKET + "/drill", "--s3-endpoint", s3.endpoint().toString(),
                "--http-port", Integer.toString(BenchCluster.freePort()), "--max-object-age", "20s"));
        command.addAll(List.of(extra));
        return cluster.process("archive-" + System.nanoTime(), BenchCluster.S3.ENVIRONMENT, command.toArray(String[]::new));
    }

    private void killAndRestart(int i) throws Exception {
        serves[i].destroyForcibly().waitFor();
        log("killed serve-" + i + " (SIGKILL)");
        Thread.sleep(5000);
        startServe(i);
        log("restarted serve-" + i + " over its state directory");
    }

    private void run(int events, int rate, int urlCount) throws Exception {
        s3 = cluster.s3();
        for (int i = 0; i < 3; i++) {
            startServe(i);
        }
        archiver = startArchiver();
        log("broker, S3Proxy, 3 serve instances and the archiver started");

        long[] expected = new long[urlCount];
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        Thread publisher = new Thread(() -> publish(events, rate, expected, acknowledged, failed), "drill-publisher");
        publisher.start();

        // The faults, spread over the publishing time.
        long span = Math.max(60_000, events * 1000L / rate);
        List<Runnable> faults = List.of(
                () -> unchecked(() -> killAndRestart(0)),
                () -> unchecked(() -> killAndRestart(1)),
                () -> unchecked(() -> {
                    s3.process().destroyForcibly().waitFor();
                    log("S3 stopped for 60 s");
                    Thread.sleep(60_000);
                    s3 = cluster.restart(s3);
                    log("S3 started again");
                }),
                () -> unchecked(() -> killAndRestart(2)),
                () -> unchecked(() -> {
                    log("restarting the broker (SIGTERM)");
                    cluster.restartBroker();
                    log("broker started again");
                }),
                () -> unchecked(() -> {
                    archiver.destroyForcibly().waitFor();
                    archiver = startArchiver("--halt-after-uploads", "2");
                    log("archiver restarted to halt after 2 uploads, before their offset commit");
                    if (!archiver.waitFor(5, TimeUnit.MINUTES)) {
                        throw new IllegalStateException("the archiver did not halt");
                    }
                    log("archiver halted between upload and commit (exit " + archiver.exitValue() + ")");
                    archiver = startArchiver();
                    log("archiver started again");
                }),
                () -> unchecked(() -> killAndRestart(0)),
                () -> unchecked(() -> killAndRestart(1)));
        for (int f = 0; f < faults.size(); f++) {
            long at = span * (f + 1) / (faults.size() + 1);
            long wait = at - (System.nanoTime() - started) / 1_000_000;
            if (wait > 0) {
                Thread.sleep(wait);
            }
            faults.get(f).run();
        }
        publisher.join();
        log(String.format("published %d events, %d acknowledged, %d failed", events, acknowledged.get(), failed.get()));

        awaitQuiet();
        Counts counts = checkCounts(expected);
        Archive archive = checkArchive();
        Map<String, Long> deadLetters = deadLetters();
        deadLetters.forEach((reason, n) -> log(n + " dead letters: " + reason));
        if (counts.lost != 0 || counts.doubled != 0) {
            compareWithChangelog(expected, counts.answered);
        }
        System.out.println();
        System.out.println("| drill | value |");
        System.out.println("| --- | --- |");
        System.out.printf("| events published (acknowledged) | %d |%n", acknowledged.get());
        System.out.printf("| sends failed | %d |%n", failed.get());
        System.out.printf("| URLs checked | %d |%n", urlCount);
        System.out.printf("| events lost | %d |%n", counts.lost);
        System.out.printf("| events double-counted | %d |%n", counts.doubled);
        System.out.printf("| dead letters | %d |%n", deadLetters.values().stream().mapToLong(Long::longValue).sum());
        System.out.printf("| records archived | %d in %d objects |%n", archive.records, archive.objects);
        System.out.printf("| archive gaps | %d |%n", archive.gaps);
        System.out.printf("| archive overlaps | %d |%n", archive.overlaps);
        System.out.printf("| drill time | %.0f s |%n", (System.nanoTime() - started) / 1e9);
        boolean clean = failed.get() == 0 && counts.lost == 0 && counts.doubled == 0 && archive.gaps == 0 && archive.overlaps == 0;
        System.out.println(clean ? "\nDRILL PASSED" : "\nDRILL FAILED");
        if (!clean) {
            System.exit(1);
        }
    }

    /** Events with ids; one in fifty is resent later with the same update_id, and must be counted once. */
    private void publish(int events, int rate, long[] expected, AtomicLong acknowledged, AtomicLong failed) {
        Random random = new Random(11);
        try (Producer<byte[], byte[]> producer = KafkaClients.eventProducer(cluster.bootstrap(), "drill")) {
            long begin = System.nanoTime();
            int sent = 0;
            int unique = 0;
            while (sent < events) {
                int id;
                boolean fresh = !(unique > 1000 && random.nextInt(50) == 0);
                id = fresh ? unique++ : unique - 1 - random.nextInt(1000);
                int url = urlOf(id, expected.length);
                byte[] key = ("d-" + id).getBytes(StandardCharsets.UTF_8);
                byte[] value = ("{\"url\":\"https://drill.example/" + url + "\",\"update_id\":\"d-" + id + "\"}").getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(Topics.LINKS_CREATED, key, value), (metadata, exception) -> {
                    if (exception == null) {
                        acknowledged.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                    }
                });
                if (fresh) {
                    expected[url]++;
                }
                sent++;
                long due = begin + sent * 1_000_000_000L / rate;
                long ahead = due - System.nanoTime();
                if (ahead > 1_000_000) {
                    Thread.sleep(ahead / 1_000_000);
                }
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A skewed choice of URL per event: a few popular URLs, a long tail. */
    private static int urlOf(int id, int urls) {
        long h = id * 0x9E3779B97F4A7C15L;
        double u = ((h >>> 11) & ((1L << 53) - 1)) / (double) (1L << 53);
        return (int) Math.min(urls - 1, Math.floor(Math.pow(u, 3) * urls));
    }

    private void awaitQuiet() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
        while (cluster.lag(APP)[0] != 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the counts did not catch up within 15 minutes");
            }
            Thread.sleep(1000);
        }
        log("counting caught up");
        long end = cluster.endOffsets(Topics.LINKS_CREATED).values().stream().mapToLong(Long::longValue).sum();
        while (cluster.committed(GROUP, Topics.LINKS_CREATED) < end) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the archive did not catch up within 15 minutes");
            }
            Thread.sleep(1000);
        }
        log("archive caught up");
    }

    private record Counts(long lost, long doubled, long[] answered) {
    }

    private Counts checkCounts(long[] expected) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long lost = 0;
        long doubled = 0;
        long[] answered = new long[expected.length];
        int standbyAnswers = 0;
        for (int from = 0; from < expected.length; from += 1000) {
            List<String> batch = new ArrayList<>();
            for (int u = from; u < Math.min(expected.length, from + 1000); u++) {
                batch.add("https://drill.example/" + u);
            }
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + ports[from / 1000 % 3] + "/v1/counts"))
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("urls", batch)))).build();
            // A standby copy vouches only to within --max-standby-lag, and says so in a header:
            // exactness is checked against the owners, asked again until they answer.
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.headers().firstValue("X-Linktally-Source").orElse("").equals("standby")) {
                standbyAnswers++;
            }
            // A 503 while an instance killed just before the check restores is an honest answer too: ask again.
            while ((response.statusCode() == 503 || response.headers().firstValue("X-Linktally-Source").orElse("").equals("standby"))
                    && System.nanoTime() < deadline) {
                Thread.sleep(1000);
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
            }
            if (response.headers().firstValue("X-Linktally-Source").orElse("").equals("standby")) {
                log("URLs " + from + " on are still answered in part by a standby after 5 minutes; checked as answered");
            }
            if (response.statusCode() != 200) {
                throw new IllegalStateException("POST /v1/counts answered " + response.statusCode() + ": " + response.body());
            }
            JsonNode counts = JSON.readTree(response.body()).get("counts");
            for (int i = 0; i < batch.size(); i++) {
                answered[from + i] = counts.get(i).get("shares").asLong();
                long difference = answered[from + i] - expected[from + i];
                if (difference < 0) {
                    lost -= difference;
                } else {
                    doubled += difference;
                }
            }
        }
        log("counts checked; " + standbyAnswers + " of " + (expected.length + 999) / 1000 + " batches were first answered in part by a standby");
        return new Counts(lost, doubled, answered);
    }

    /** Dead-lettered records by reason: a drill's events are all valid, so any is a fault turned into a loss. */
    private Map<String, Long> deadLetters() {
        Map<String, Long> reasons = new TreeMap<>();
        readAll(Topics.DEAD_LETTER, record -> {
            Header reason = record.headers().lastHeader(DeadLetterHeaders.REASON);
            String text = reason == null ? "(no reason)" : new String(reason.value(), StandardCharsets.UTF_8);
            reasons.merge(text.length() > 120 ? text.substring(0, 120) : text, 1L, Long::sum);
        });
        return reasons;
    }

    /**
     * Where a wrong count lives: in the committed changelog too (counting went wrong), or only in
     * the store that answered (a restore or a standby went wrong), partition by partition.
     */
    private void compareWithChangelog(long[] expected, long[] answered) throws Exception {
        Map<String, Long> changelog = new HashMap<>();
        String topic = APP + "-" + TopologyNames.COUNTS_STORE + "-changelog";
        readAll(topic, record -> changelog.put(new String(record.key(), StandardCharsets.UTF_8),
                record.value() == null ? 0L : LinkCounts.SERDE.deserializer().deserialize(topic, record.value()).shares()));
        int partitions = cluster.endOffsets(topic).size();
        long[] answerOff = new long[partitions];
        long[] changelogOff = new long[partitions];
        for (int u = 0; u < expected.length; u++) {
            String key = CanonicalUrl.canonicalize("https://drill.example/" + u);
            int p = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
            answerOff[p] += answered[u] - expected[u];
            changelogOff[p] += changelog.getOrDefault(key, 0L) - expected[u];
        }
        System.out.println("\n| partition | answers minus sent | committed changelog minus sent |");
        System.out.println("| --- | --- | --- |");
        for (int p = 0; p < partitions; p++) {
            if (answerOff[p] != 0 || changelogOff[p] != 0) {
                System.out.printf("| %d | %d | %d |%n", p, answerOff[p], changelogOff[p]);
            }
        }
    }

    /** Every committed record of a topic, from the beginning to the end it has now. */
    private void readAll(String topic, java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> action) {
        try (Consumer<byte[], byte[]> consumer = KafkaClients.archiveConsumer(cluster.bootstrap(), "drill-check-" + System.nanoTime(), "drill-check",
                Duration.ofSeconds(10))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                consumer.poll(Duration.ofMillis(500)).forEach(action);
            }
        }
    }

    private record Archive(long records, long objects, long gaps, long overlaps) {
    }

    private Archive checkArchive() throws Exception {
        Map<Integer, BitSet> seen = new HashMap<>();
        long[] overlaps = {0};
        long[] records = {0};
        List<String> keys = new ArrayList<>();
        System.setProperty("aws.accessKeyId", BenchCluster.S3.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", BenchCluster.S3.SECRET_KEY);
        ObjectStore store = ObjectStores.open(ArchiveUri.parse("s3://" + BenchCluster.S3.BUCKET + "/drill"), Optional.of(s3.endpoint()),
                Optional.of("us-east-1")).orElseThrow();
        store.list(Topics.LINKS_CREATED + "/", object -> keys.add(object.key()));
        for (String key : keys) {
            if (ObjectKeys.parse(key).isEmpty()) {
                continue;
            }
            ArchiveReader.forEach(store, key, record -> {
                records[0]++;
                BitSet offsets = seen.computeIfAbsent(record.partition(), p -> new BitSet());
                if (offsets.get((int) record.offset())) {
                    overlaps[0]++;
                }
                offsets.set((int) record.offset());
            });
        }
        long gaps = 0;
        for (Map.Entry<Integer, Long> end : cluster.endOffsets(Topics.LINKS_CREATED).entrySet()) {
            BitSet offsets = seen.getOrDefault(end.getKey(), new BitSet());
            gaps += end.getValue() - offsets.get(0, end.getValue().intValue()).cardinality();
        }
        log("archive checked");
        return new Archive(records[0], keys.size(), gaps, overlaps[0]);
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void unchecked(Step step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
