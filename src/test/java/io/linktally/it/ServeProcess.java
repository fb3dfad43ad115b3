package io.linktally.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code linktally serve} as users run it: the packaged jar in its own JVM, so that a test can
 * kill it abruptly (SIGKILL) or stop it as an orchestrator would (SIGTERM).
 */
final class ServeProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final List<String> command;
    private final Path log;
    private final int httpPort;
    private Process process;

    private ServeProcess(List<String> command, Path log, int httpPort) {
        this.command = command;
        this.log = log;
        this.httpPort = httpPort;
    }

    /** A serve process for {@code bootstrapServers} with its state in {@code dataDir}; not started yet. */
    static ServeProcess create(String name, String bootstrapServers, Path dataDir, String applicationId, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", bootstrapServers, "--application-id", applicationId,
                "--commit-interval", "100ms",
                "--rocksdb-memory", "64MiB", "--rocksdb-write-buffers", "16MiB", "--record-cache", "8MiB"));
        args.addAll(List.of(extraArgs));
        return of(name, dataDir, args);
    }

    /** The embedded default, as README's first command runs it, on free ports; not started yet. */
    static ServeProcess embedded(String name, Path dataDir) {
        return of(name, dataDir, List.of("--embedded-kafka-port", Integer.toString(FreePorts.next()),
                "--embedded-controller-port", Integer.toString(FreePorts.next())));
    }

    private static ServeProcess of(String name, Path dataDir, List<String> args) {
        int httpPort = FreePorts.next();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
                "-jar", jar().toString(), "serve",
                "--data-dir", dataDir.toString(),
                "--http-host", "127.0.0.1",
                "--http-port", Integer.toString(httpPort)));
        command.addAll(args);
        return new ServeProcess(command, Path.of("target", "it-logs", name + ".log"), httpPort);
    }

    Path log() {
        return log;
    }

    /** The packaged jar that integration tests run, as users do. */
    static Path jar() {
        Path jar = Path.of(System.getProperty("linktally.jar", "target/linktally.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: integration tests run after `mvn package`");
        }
        return jar;
    }

    ServeProcess start() {
        try {
            Files.createDirectories(log.getParent());
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ServeProcess awaitReady() {
        await("serve ready on port " + httpPort + " (log " + log + ")")
                .atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("serve exited with " + process.exitValue() + "; see " + log);
                    }
                    return status("/readyz") == 200;
                });
        return this;
    }

    /** SIGKILL: no shutdown hook, no commit, no clean store close. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, as an orchestrator stops a pod; returns the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("serve did not stop within 60 s of SIGTERM; see " + log);
        }
        return process.exitValue();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + httpPort + pathAndQuery);
    }

    private int status(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Override
    public void close() {
        if (isAlive()) {
            process.destroyForcibly();
        }
    }
}
