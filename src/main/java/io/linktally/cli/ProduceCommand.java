package io.linktally.cli;

import io.linktally.config.KafkaOptions;
import io.linktally.events.InvalidEventException;
import io.linktally.events.ClickCodec;
import io.linktally.events.LinkCreatedCodec;
import io.linktally.events.SyntheticClicks;
import io.linktally.events.SyntheticLinks;
import io.linktally.events.Topics;
import io.linktally.kafka.KafkaClients;
import io.linktally.kafka.KafkaConnection;
import io.linktally.kafka.TopicAdmin;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.concurrent.atomic.AtomicReference;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "produce", mixinStandardHelpOptions = true,
        description = "Publishes NDJSON events, one per line and byte for byte, from a file or stdin; "
                + "or --synthetic N generated link-created events. Lines are published as they are, valid or not.")
final class ProduceCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;
    @Mixin
    private KafkaOptions kafka;

    @Option(names = "--topic", defaultValue = Topics.LINKS_CREATED, description = "Target topic (default: ${DEFAULT-VALUE}).")
    private String topic;

    @ArgGroup(exclusive = true)
    private Source source = new Source();

    static final class Source {
        @Option(names = "--file", paramLabel = "FILE", description = "NDJSON file; - for stdin (the default).")
        private String file;

        @Option(names = "--synthetic", paramLabel = "N",
                description = "Generate N events instead of reading: link-created events, or clicks with --topic links.clicked.")
        private Long synthetic;
    }

    @Option(names = "--urls", defaultValue = "100000", description = "Synthetic: distinct URLs (default: ${DEFAULT-VALUE}).")
    private int distinctUrls;

    @Option(names = "--zipf-exponent", defaultValue = "1.1",
            description = "Synthetic: skew of URL popularity; higher puts more shares on fewer URLs (default: ${DEFAULT-VALUE}).")
    private double zipfExponent;

    @Option(names = "--duplicates", defaultValue = "0.02",
            description = "Synthetic: share of events that repeat an earlier update_id (default: ${DEFAULT-VALUE}).")
    private double duplicates;

    @Option(names = "--seed", defaultValue = "1", description = "Synthetic: random seed; the same seed gives the same events (default: ${DEFAULT-VALUE}).")
    private long seed;

    /** How many events went out, and how many of them are repeats (synthetic) or invalid (read). */
    private record Published(long events, long flagged) {
    }

    private final AtomicLong failures = new AtomicLong();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();

    @Override
    public Integer call() throws IOException {
        KafkaConnection connection = kafka.connectionOrLocal();
        requireTopic(connection);
        Published published;
        try (Producer<byte[], byte[]> producer = KafkaClients.eventProducer(connection, "linktally-produce")) {
            published = source.synthetic != null
                    ? produceSynthetic(producer, source.synthetic)
                    : produceLines(producer, source.file == null ? "-" : source.file);
            producer.flush();
        }
        if (failures.get() > 0) {
            throw new IllegalStateException("stopped at the first failure: " + failures.get() + " of " + published.events()
                    + " events sent were not acknowledged: " + firstFailure.get().getMessage());
        }
        boolean clicks = topic.equals(Topics.LINKS_CLICKED);
        String detail = source.synthetic != null
                ? published.flagged() + (clicks ? " repeat an earlier click_id" : " repeat an earlier update_id")
                : published.flagged() + (clicks ? " are not valid click events" : " are not valid link-created events") + " and will be dead-lettered";
        spec.commandLine().getOut().printf("published %d events to %s (%s)%n", published.events(), topic,
                topic.equals(Topics.LINKS_CREATED) || clicks ? detail : "not validated here");
        spec.commandLine().getOut().flush();
        return 0;
    }

    private Published produceSynthetic(Producer<byte[], byte[]> producer, long count) {
        Supplier<SyntheticLinks.Event> events;
        if (topic.equals(Topics.LINKS_CLICKED)) {
            events = SyntheticClicks.endingAt(seed, distinctUrls, zipfExponent, duplicates, count, System.currentTimeMillis())::next;
        } else {
            events = new SyntheticLinks(seed, distinctUrls, zipfExponent, duplicates, System.currentTimeMillis() / 1000)::next;
        }
        long repeats = 0;
        try (ProgressBar progress = progress(count)) {
            for (long i = 0; i < count && failures.get() == 0; i++) {
                SyntheticLinks.Event event = events.get();
                repeats += event.duplicate() ? 1 : 0;
                send(producer, event.key(), event.value());
                progress.step();
            }
        }
        return new Published(count, repeats);
    }

    private Published produceLines(Producer<byte[], byte[]> producer, String file) throws IOException {
        LinkCreatedCodec linkCreated = new LinkCreatedCodec();
        ClickCodec clicks = new ClickCodec();
        long published = 0;
        long invalid = 0;
        try (InputStream in = new BufferedInputStream(file.equals("-") ? System.in : Files.newInputStream(Path.of(file)), 1 << 16);
             ProgressBar progress = progress(-1)) {
            ByteArrayOutputStream line = new ByteArrayOutputStream(512);
            int b;
            do {
                b = in.read();
                if (b != -1 && b != '\n') {
                    line.write(b);
                    continue;
                }
                if (failures.get() > 0) {
                    break;
                }
                byte[] value = withoutCarriageReturn(line.toByteArray());
                line.reset();
                if (value.length == 0) {
                    continue;
                }
                byte[] key = null;
                try {
                    String id = topic.equals(Topics.LINKS_CREATED) ? linkCreated.decode(value).updateId()
                            : topic.equals(Topics.LINKS_CLICKED) ? clicks.decode(value).clickId() : null;
                    key = id == null ? null : id.getBytes(StandardCharsets.UTF_8);
                } catch (InvalidEventException e) {
                    invalid++;
                }
                send(producer, key, value);
                published++;
                progress.step();
            } while (b != -1);
        }
        return new Published(published, invalid);
    }

    /**
     * A producer sending to a topic that does not exist waits for it a minute per record (the
     * broker does not create topics), so it is checked once, up front.
     */
    private void requireTopic(KafkaConnection connection) {
        try (Admin admin = KafkaClients.admin(connection)) {
            if (!new TopicAdmin(admin).existing(List.of(topic)).contains(topic)) {
                throw new IllegalArgumentException("the topic " + topic + " does not exist on " + connection.bootstrapServers()
                        + ": create it first (linktally topics creates the contract's topics; serve creates them when it starts)");
            }
        }
    }

    private void send(Producer<byte[], byte[]> producer, byte[] key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key, value), (metadata, exception) -> {
            if (exception != null) {
                failures.incrementAndGet();
                firstFailure.compareAndSet(null, exception);
            }
        });
    }

    /** A bar on a terminal; elsewhere, a line every ten seconds. */
    private static ProgressBar progress(long max) {
        ProgressBarBuilder builder = new ProgressBarBuilder().setTaskName("produce").setInitialMax(max).setUnit(" events", 1)
                .showSpeed();
        if (System.console() == null) {
            builder.setConsumer(new ConsoleProgressBarConsumer(System.err)).setUpdateIntervalMillis(10_000).continuousUpdate();
            builder.setStyle(me.tongfei.progressbar.ProgressBarStyle.ASCII);
        }
        return builder.build();
    }

    private static byte[] withoutCarriageReturn(byte[] line) {
        return line.length > 0 && line[line.length - 1] == '\r' ? java.util.Arrays.copyOf(line, line.length - 1) : line;
    }
}
