package io.linktally.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A {@code linktally} command from the packaged jar, in its own JVM, so that it can halt, be killed or be stopped. */
final class CommandProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private CommandProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** {@code archive} with its metrics on a free port. */
    static CommandProcess archive(String name, Map<String, String> environment, List<String> args) throws IOException {
        List<String> all = new ArrayList<>(List.of("--http-host", "127.0.0.1", "--http-port", "0"));
        all.addAll(args);
        return start(name, environment, "archive", all);
    }

    static CommandProcess start(String name, Map<String, String> environment, String commandName, List<String> args) throws IOException {
        Path jar = ServeProcess.jar();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-jar", jar.toString(), commandName));
        command.addAll(args);
        Path log = Path.of("target", "it-logs", name + ".log");
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        return new CommandProcess(builder.start(), log);
    }

    /** The exit code, once it exits by itself within {@code timeout}. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("linktally did not exit within " + timeout + "; see " + log);
        }
        return process.exitValue();
    }

    /** SIGKILL: no shutdown of any kind. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM; the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        return awaitExit(Duration.ofSeconds(60));
    }

    String logText() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
