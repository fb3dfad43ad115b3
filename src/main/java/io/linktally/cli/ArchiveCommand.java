package io.linktally.cli;

import io.linktally.app.ArchiveRunner;
import io.linktally.archive.ArchiveUri;
import io.linktally.config.ArchiveOptions;
import io.linktally.config.DurationConverter;
import io.linktally.config.KafkaOptions;
import io.linktally.http.OperationsApi;
import io.javalin.Javalin;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import sun.misc.Signal;

@Command(name = "archive", mixinStandardHelpOptions = true,
        description = "Keeps every raw record of the archived topics in the archive, as a consumer group: run as many as you like.")
final class ArchiveCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;
    @Mixin
    private KafkaOptions kafka;
    @Mixin
    private ArchiveOptions options;

    @Option(names = "--http-port", defaultValue = "8081", description = "Port of /healthz and /metrics; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private int httpPort;

    @Option(names = "--http-host", defaultValue = "0.0.0.0", description = "Address /healthz and /metrics bind (default: ${DEFAULT-VALUE}).")
    private String httpHost;

    @Option(names = "--session-timeout", defaultValue = "10s", converter = DurationConverter.class,
            description = "How long the group waits for a silent archiver before giving its partitions to others (default: ${DEFAULT-VALUE}).")
    private Duration sessionTimeout;

    @Option(names = "--drain-timeout", defaultValue = "30s", converter = DurationConverter.class,
            description = "On SIGTERM, how long to keep storing what is buffered before leaving (default: ${DEFAULT-VALUE}).")
    private Duration drainTimeout;

    @Override
    public Integer call() throws InterruptedException {
        options.validate();
        if (sessionTimeout.toMillis() < 2000) {
            throw new ParameterException(spec.commandLine(), "--session-timeout must be at least 2s");
        }
        ArchiveUri uri;
        try {
            uri = ArchiveUri.parse(options.archive("file:./data/archive"));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--archive: " + e.getMessage());
        }
        if (uri instanceof ArchiveUri.None) {
            throw new ParameterException(spec.commandLine(), "--archive none leaves the archiver nothing to do");
        }
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmGcMetrics().bindTo(metrics);
        CountDownLatch stop = new CountDownLatch(1);
        Optional<ArchiveRunner> runner = ArchiveRunner.start(uri, options, kafka.connectionOrLocal(), sessionTimeout, drainTimeout, metrics,
                stop::countDown);
        Javalin http = OperationsApi.create(metrics, () -> runner.map(r -> !r.failed()).orElse(false));
        http.start(httpHost, httpPort);
        for (String signal : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(signal), received -> stop.countDown());
        }
        stop.await();
        http.stop();
        runner.ifPresent(ArchiveRunner::close);
        return runner.map(r -> r.failed() ? 1 : 0).orElse(1);
    }
}
