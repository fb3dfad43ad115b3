package io.linktally.bench;

import io.linktally.it.StreamsLag;
import io.linktally.kafka.KafkaClients;
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
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The processes a benchmark runs, as users run them: a standalone broker, the topics, synthetic
 * events and {@code serve} instances, each a separate JVM from the packaged jar, in a temp dir.
 */
final class BenchCluster implements AutoCloseable {
    private final Path jar;
    private final Path work;
    private Process broker;
    private final List<String> brokerCommand;
    private final String bootstrap;
    private final List<Process> processes = new ArrayList<>();
    /** One client for the cluster's life: polling must not open a connection every 100 ms while it is measured. */
    private final Admin admin;

    private BenchCluster(Path jar, Path work, List<String> brokerCommand, Process broker, String bootstrap) {
        this.jar = jar;
        this.work = work;
        this.brokerCommand = brokerCommand;
        this.broker = broker;
        this.bootstrap = bootstrap;
        this.admin = KafkaClients.admin(bootstrap);
        processes.add(broker);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> processes.forEach(Process::destroyForcibly)));
    }

    static BenchCluster start(Path jar) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("linktally-bench-");
        int port = freePort();
        List<String> brokerCommand = List.of("java", "-Xmx1g", "-jar", jar.toString(), "broker",
                "--port", Integer.toString(port), "--controller-port", Integer.toString(freePort()),
                "--data-dir", work.resolve("broker").toString());
        Process broker = start(work.resolve("broker.log"), brokerCommand.toArray(String[]::new));
        BenchCluster cluster = new BenchCluster(jar, work, brokerCommand, broker, "localhost:" + port);
        cluster.linktally("topics.log", 120, "topics", "--bootstrap-servers", cluster.bootstrap);
        return cluster;
    }

    String bootstrap() {
        return bootstrap;
    }

    Path work() {
        return work;
    }

    Process broker() {
        return broker;
    }

    /** Stops the broker as an operator would (SIGTERM, then waits) and starts it again on the same port and data. */
    void restartBroker() throws IOException, InterruptedException {
        broker.destroy();
        if (!broker.waitFor(120, TimeUnit.SECONDS)) {
            broker.destroyForcibly().waitFor();
        }
        processes.remove(broker);
        broker = new ProcessBuilder(brokerCommand).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("broker.log").toFile())).start();
        processes.add(0, broker);
    }

    /** Runs a linktally command to completion and returns its standard output. */
    String linktally(String log, long timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("java", "-jar", jar.toString()));
        command.addAll(List.of(args));
        return run(work.resolve(log), timeoutSeconds, command.toArray(String[]::new));
    }

    /** Starts serve with the given JVM and serve arguments; the caller waits for what it needs. */
    Process serve(String name, List<String> jvmArgs, String... args) throws IOException {
        List<String> command = new ArrayList<>(jvmArgs);
        command.addAll(List.of("-jar", jar.toString(), "serve", "--bootstrap-servers", bootstrap,
                "--data-dir", work.resolve(name).toString()));
        command.addAll(List.of(args));
        Process serve = start(work.resolve(name + ".log"), command.toArray(String[]::new));
        processes.add(serve);
        return serve;
    }

    /** [lag, committed input] of an application; lag is Long.MAX_VALUE until its repartition topic exists. */
    long[] lag(String applicationId) throws Exception {
        try {
            StreamsLag.Progress progress = StreamsLag.progress(admin, applicationId);
            return new long[] {progress.lag(), progress.committedInput()};
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return new long[] {Long.MAX_VALUE, 0};
            }
            throw e;
        }
    }

    /** Starts a process of the benchmark with extra environment variables; it is stopped with the cluster. */
    Process process(String name, Map<String, String> environment, String... command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve(name + ".log").toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    /** Each partition's end offset, by partition number, from the cluster's one admin client. */
    Map<Integer, Long> endOffsets(String topic) throws Exception {
        int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<Integer, Long> ends = new TreeMap<>();
        admin.listOffsets(latest).all().get().forEach((partition, info) -> ends.put(partition.partition(), info.offset()));
        return ends;
    }

    /** Whether serve on this port answers /readyz with 200; false while it is not listening yet. */
    static boolean ready(HttpClient http, int port) throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /** The sum of a consumer group's committed offsets on a topic. */
    long committed(String group, String topic) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
                .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset()).sum();
    }

    /** S3Proxy over a directory of the work dir, as its own process, with the bucket created. */
    S3 s3() throws Exception {
        return s3(freePort());
    }

    /** S3 stopped (its process killed) and started again on the same port over the same directory. */
    S3 restart(S3 s3) throws Exception {
        s3.process().destroyForcibly().waitFor();
        processes.remove(s3.process());
        return s3(s3.endpoint().getPort());
    }

    private S3 s3(int port) throws Exception {
        Path conf = work.resolve("s3proxy.conf");
        Files.writeString(conf, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + S3.ACCESS_KEY,
                "s3proxy.credential=" + S3.SECRET_KEY,
                "jclouds.provider=filesystem-nio2",
                "jclouds.identity=" + S3.ACCESS_KEY,
                "jclouds.credential=" + S3.SECRET_KEY,
                "jclouds.filesystem.basedir=" + work.resolve("s3"), ""));
        Files.createDirectories(work.resolve("s3"));
        Process process = process("s3proxy", Map.of(), "java", "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "org.gaul.s3proxy.Main", "--properties", conf.toString());
        S3 s3 = new S3(process, URI.create("http://127.0.0.1:" + port));
        try (S3Client client = s3.client()) {
            long deadline = System.currentTimeMillis() + 60_000;
            while (true) {
                try {
                    client.listBuckets();
                    break;
                } catch (RuntimeException e) {
                    if (System.currentTimeMillis() > deadline) {
                        throw e;
                    }
                    Thread.sleep(200);
                }
            }
            if (client.listBuckets().buckets().stream().noneMatch(bucket -> bucket.name().equals(S3.BUCKET))) {
                client.createBucket(request -> request.bucket(S3.BUCKET));
            }
        }
        return s3;
    }

    /** A running S3Proxy: its process, endpoint and credentials. */
    record S3(Process process, URI endpoint) {
        static final String ACCESS_KEY = "bench";
        static final String SECRET_KEY = "bench-secret";
        static final String BUCKET = "bench";
        static final Map<String, String> ENVIRONMENT = Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY,
                "AWS_REGION", "us-east-1");

        S3Client client() {
            return S3Client.builder().endpointOverride(endpoint).forcePathStyle(true).region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY))).build();
        }
    }

    /** User plus system CPU time of a process, from /proc (Linux). */
    static double cpuSeconds(Process process) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static String run(Path log, long timeoutSeconds, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed; see " + log + "\n" + out);
        }
        return out;
    }

    /** Appends to the log: an instance restarted by a drill keeps the log of its previous life. */
    static Process start(Path log, String... command) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    /** A column of Kafka's perf tools' CSV-like output. */
    static double perfColumn(String output, String column) {
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

    /** Space-separated arguments given as one option value, e.g. {@code --serve-jvm-args "-Xmx2g -XX:+UseZGC"}. */
    static List<String> split(String args) {
        return args.isBlank() ? List.of() : List.of(args.trim().split("\\s+"));
    }

    static String match(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("no match for " + regex + " in: " + text);
        }
        return m.group(1);
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return opts;
    }

    @Override
    public void close() throws InterruptedException {
        admin.close();
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).destroy();
            processes.get(i).waitFor(60, TimeUnit.SECONDS);
        }
    }
}
