package io.linktally.cli;

import io.linktally.app.ReplayRun;
import io.linktally.config.InstantConverter;
import io.linktally.config.KafkaOptions;
import io.linktally.config.S3Options;
import io.linktally.replay.DryRun;
import io.linktally.replay.ReplayPlan;
import io.linktally.replay.ReplaySettings;
import io.linktally.replay.Replayer;
import io.linktally.archive.ArchiveReader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Reads the archive back and publishes its records again, byte for byte, exactly once: to rebuild a lost cluster or backfill a new service.")
final class ReplayCommand implements Callable<Integer> {
    private static final long MIB = 1024 * 1024;

    @Spec
    private CommandSpec spec;
    @Mixin
    private KafkaOptions kafka;
    @Mixin
    private S3Options s3;

    @Option(names = "--from", required = true, paramLabel = "URI", description = "The archive: s3://bucket/prefix or file:/path.")
    private String from;

    @Option(names = "--topics", split = ",", paramLabel = "TOPIC", defaultValue = "links.created,links.clicked",
            description = "Archived topics to replay (default: ${DEFAULT-VALUE}).")
    private List<String> topics;

    @Option(names = "--since", converter = InstantConverter.class, paramLabel = "TIME",
            description = "Only records with a timestamp at or after this instant (ISO-8601, or a UTC day).")
    private Instant since;

    @Option(names = "--until", converter = InstantConverter.class, paramLabel = "TIME",
            description = "Only records with a timestamp before this instant (ISO-8601, or a UTC day).")
    private Instant until;

    @Option(names = "--to-topic", paramLabel = "OLD=NEW", description = "Publish an archived topic's records to another topic; repeatable.")
    private Map<String, String> renames = new LinkedHashMap<>();

    @Option(names = "--partitioning", defaultValue = "auto", paramLabel = "auto|keep|key",
            description = "keep: each record to its archived partition; key: by the producer's partitioner on the key; "
                    + "auto: keep when the target has as many partitions as the source (default: ${DEFAULT-VALUE}).")
    private String partitioning;

    @Option(names = "--rate", paramLabel = "N", description = "Publish at most N records per second.")
    private Long rate;

    @Option(names = "--dry-run", description = "Say what would be replayed (objects, records, bytes, time span) and publish nothing.")
    private boolean dryRun;

    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "Names this replay so that, killed and started again with the same FILE, it goes on where it stopped.")
    private Path checkpoint;

    @Option(names = "--skip-corrupt", description = "Go on past a corrupt or truncated object, reporting each in the summary, instead of stopping.")
    private boolean skipCorrupt;

    @Option(names = "--transaction-records", defaultValue = "10000",
            description = "Records per transaction; the position is committed with each (default: ${DEFAULT-VALUE}).")
    private int transactionRecords;

    @Override
    public Integer call() throws Exception {
        ReplaySettings settings = settings();
        try (ReplayRun run = new ReplayRun(from, s3.endpoint(), s3.region(), kafka.connectionOrLocal(), settings,
                Optional.ofNullable(checkpoint))) {
            ReplayPlan plan = run.plan();
            if (dryRun) {
                printDryRun(run.dryRun(plan));
                return 0;
            }
            Replayer.Summary summary;
            ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "replay-progress");
                thread.setDaemon(true);
                return thread;
            });
            try (ProgressBar bar = progressBar(plan.bytes())) {
                summary = run.replay(plan, replayer -> ticker.scheduleAtFixedRate(() -> {
                    bar.stepTo(replayer.bytesRead());
                    bar.setExtraMessage(String.format("%,d records", replayer.records()));
                }, 0, 200, TimeUnit.MILLISECONDS));
                ticker.shutdownNow();
                bar.stepTo(plan.bytes());
            } catch (ArchiveReader.CorruptObjectException e) {
                throw new IllegalStateException(e.getMessage() + " (use --skip-corrupt to go on past it)", e);
            } finally {
                ticker.shutdownNow();
            }
            printSummary(summary, plan);
            return 0;
        }
    }

    private ReplaySettings settings() {
        List<String> cleanTopics = topics.stream().map(String::trim).filter(t -> !t.isEmpty()).toList();
        if (cleanTopics.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--topics must name at least one topic");
        }
        if (since != null && until != null && !since.isBefore(until)) {
            throw new ParameterException(spec.commandLine(), "--since must be before --until");
        }
        if (rate != null && rate < 1) {
            throw new ParameterException(spec.commandLine(), "--rate must be at least 1");
        }
        if (transactionRecords < 1) {
            throw new ParameterException(spec.commandLine(), "--transaction-records must be at least 1");
        }
        if (s3.problem() != null) {
            throw new ParameterException(spec.commandLine(), s3.problem());
        }
        for (String source : renames.keySet()) {
            if (!cleanTopics.contains(source)) {
                throw new ParameterException(spec.commandLine(), "--to-topic " + source + "=...: " + source + " is not among --topics " + cleanTopics);
            }
        }
        ReplaySettings.Partitioning mode;
        try {
            mode = ReplaySettings.Partitioning.valueOf(partitioning.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--partitioning must be auto, keep or key");
        }
        try {
            io.linktally.archive.ArchiveUri.parse(from);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--from: " + e.getMessage());
        }
        return new ReplaySettings(cleanTopics, Optional.ofNullable(since), Optional.ofNullable(until), renames, mode,
                rate == null ? OptionalLong.empty() : OptionalLong.of(rate), skipCorrupt, transactionRecords, Duration.ofSeconds(1));
    }

    /** A bar on a terminal; elsewhere (a log, a pipe) one line every ten seconds. */
    private static ProgressBar progressBar(long bytes) {
        boolean large = bytes >= 10 * MIB;
        ProgressBarBuilder builder = new ProgressBarBuilder().setTaskName("replay").setInitialMax(Math.max(bytes, 1))
                .setUnit(large ? " MiB" : " KiB", large ? MIB : 1024).showSpeed();
        if (System.console() == null) {
            builder.setConsumer(new DelegatingProgressBarConsumer(System.err::println)).setUpdateIntervalMillis(10_000).continuousUpdate();
            builder.setStyle(ProgressBarStyle.ASCII);
        }
        return builder.build();
    }

    private void printDryRun(DryRun dry) {
        System.out.printf("would replay %d records from %d objects (%,.1f MiB) of %s%n", dry.records(), dry.objects(), dry.bytes() / (double) MIB,
                String.join(",", topics));
        System.out.printf("time span: %s%n", dry.first().map(first -> first + " .. " + dry.last().orElseThrow()).orElse("none"));
        System.out.printf("outside --since/--until: %d records%n", dry.filtered());
        dry.corrupt().forEach(reason -> System.out.println("corrupt: " + reason));
    }

    private static void printSummary(Replayer.Summary summary, ReplayPlan plan) {
        System.out.printf("replayed %d records from %d objects (%,.1f MiB) in %.1f s (%,.0f records/s); %d outside --since/--until%n",
                summary.records(), summary.objects(), summary.bytes() / (double) MIB, summary.seconds(),
                summary.records() / Math.max(summary.seconds(), 0.001), summary.filtered());
        System.out.printf("position: %d records replayed in all by this replay%n", summary.position().replayed());
        if (!plan.foreign().isEmpty()) {
            System.out.printf("skipped %d keys that are not archive objects%n", plan.foreign().size());
        }
        if (!summary.corrupt().isEmpty()) {
            System.out.printf("skipped the rest of %d corrupt objects:%n", summary.corrupt().size());
            summary.corrupt().forEach(reason -> System.out.println("  " + reason));
        }
    }
}
