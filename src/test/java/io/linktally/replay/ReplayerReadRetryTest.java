package io.linktally.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.linktally.archive.ArchiveLines;
import io.linktally.archive.ArchiveReader;
import io.linktally.archive.FileObjectStore;
import io.linktally.archive.ForwardingObjectStore;
import io.linktally.archive.ObjectKeys;
import io.linktally.archive.ObjectStore;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replay that loses its connection to the store part-way through an object reads the object
 * again from the record after the last one it published: nothing skipped, nothing published twice.
 */
class ReplayerReadRetryTest {
    private static final String TOPIC = "links.created";
    private static final long TIMESTAMP = 1_764_806_400_000L;

    @TempDir
    Path root;
    private CuttingStore store;
    private String first;
    private String second;

    @BeforeEach
    void archiveTwoObjects() throws IOException {
        FileObjectStore files = new FileObjectStore(root);
        first = put(files, 0, 99);
        second = put(files, 100, 199);
        store = new CuttingStore(files);
    }

    @Test
    void aReadCutShortLikeATruncatedObjectIsReadAgainFromWhereItStopped() throws IOException {
        store.cut(second, 1, CuttingStore.Cut.EARLY_END);

        MockProducer<byte[], byte[]> producer = producer();
        Replayer.Summary summary = replayer(producer, false).run(ReplayPlan.of(store, List.of(TOPIC), Optional.empty(), Optional.empty()));

        assertThat(store.opens(second)).isEqualTo(2);
        assertThat(summary.corrupt()).isEmpty();
        assertThat(summary.records()).isEqualTo(200);
        assertThat(publishedOffsets(producer)).isEqualTo(offsets(0, 199));
    }

    @Test
    void aReadThatFailsIsTriedAgainWithBackOff() throws IOException {
        store.cut(first, 3, CuttingStore.Cut.CONNECTION_RESET);

        MockProducer<byte[], byte[]> producer = producer();
        Replayer.Summary summary = replayer(producer, false).run(ReplayPlan.of(store, List.of(TOPIC), Optional.empty(), Optional.empty()));

        assertThat(store.opens(first)).isEqualTo(4);
        assertThat(summary.records()).isEqualTo(200);
        assertThat(publishedOffsets(producer)).isEqualTo(offsets(0, 199));
    }

    @Test
    void anObjectThatReadsCorruptTwiceIsCorrupt() throws IOException {
        store.cut(second, Integer.MAX_VALUE, CuttingStore.Cut.EARLY_END);

        MockProducer<byte[], byte[]> stopped = producer();
        ArchiveReader.CorruptObjectException thrown = catchThrowableOfType(ArchiveReader.CorruptObjectException.class,
                () -> replayer(stopped, false).run(ReplayPlan.of(store, List.of(TOPIC), Optional.empty(), Optional.empty())));
        assertThat(thrown.key()).isEqualTo(second);
        assertThat(thrown.lastGoodOffset()).as("some records of the object read whole before the cut").isBetween(100L, 198L);
        assertThat(store.opens(second)).isEqualTo(2);

        MockProducer<byte[], byte[]> skipping = producer();
        Replayer.Summary summary = replayer(skipping, true).run(ReplayPlan.of(store, List.of(TOPIC), Optional.empty(), Optional.empty()));
        assertThat(summary.corrupt()).singleElement().asString().contains(second);
        assertThat(publishedOffsets(skipping)).isEqualTo(offsets(0, thrown.lastGoodOffset()));
    }

    @Test
    void aStoreThatStaysUnreachableStopsTheReplay() throws IOException {
        store.cut(first, Integer.MAX_VALUE, CuttingStore.Cut.CONNECTION_RESET);

        MockProducer<byte[], byte[]> producer = producer();
        assertThatThrownBy(() -> replayer(producer, false).run(ReplayPlan.of(store, List.of(TOPIC), Optional.empty(), Optional.empty())))
                .isInstanceOf(IOException.class)
                .hasMessage("Connection reset");
        assertThat(store.opens(first)).isEqualTo(5);
        assertThat(publishedOffsets(producer)).as("the open transaction is aborted").isEmpty();
    }

    private Replayer replayer(MockProducer<byte[], byte[]> producer, boolean skipCorrupt) {
        ReplaySettings settings = new ReplaySettings(List.of(TOPIC), Optional.empty(), Optional.empty(), Map.of(),
                ReplaySettings.Partitioning.KEEP, OptionalLong.empty(), skipCorrupt, 1_000, Duration.ofMinutes(1));
        return new Replayer(store, producer, settings, "replay-test", Map.of(TOPIC, true), ReplayPosition.START, position -> { },
                Duration.ofMillis(1));
    }

    private static MockProducer<byte[], byte[]> producer() {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        producer.initTransactions();
        return producer;
    }

    private static List<Long> publishedOffsets(MockProducer<byte[], byte[]> producer) {
        return producer.history().stream().map(ProducerRecord::value).map(v -> Long.parseLong(new String(v, StandardCharsets.UTF_8))).toList();
    }

    private static List<Long> offsets(long from, long to) {
        return java.util.stream.LongStream.rangeClosed(from, to).boxed().toList();
    }

    /** An archive object of partition 0 holding offsets {@code from..to}, each record's value its offset. */
    private static String put(ObjectStore store, long from, long to) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try (JsonGenerator lines = new JsonFactory().setRootValueSeparator(null).createGenerator(new GZIPOutputStream(body), JsonEncoding.UTF8)) {
            for (long offset = from; offset <= to; offset++) {
                ArchiveLines.write(lines, new ConsumerRecord<>(TOPIC, 0, offset, TIMESTAMP + offset, TimestampType.CREATE_TIME, -1, -1,
                        ("k" + offset).getBytes(StandardCharsets.UTF_8), Long.toString(offset).getBytes(StandardCharsets.UTF_8),
                        new RecordHeaders(), Optional.empty()));
                lines.writeRaw('\n');
            }
        }
        String key = ObjectKeys.key(TOPIC, 0, from, ObjectKeys.hourOf(TIMESTAMP));
        store.putIfAbsent(key, body.toByteArray(), Map.of());
        return key;
    }

    /** A store whose first reads of one object end part-way, as a cut connection does. */
    private static final class CuttingStore extends ForwardingObjectStore {
        enum Cut { EARLY_END, CONNECTION_RESET }

        private final Map<String, Integer> opens = new HashMap<>();
        private String cutKey;
        private int cutReads;
        private Cut cut;

        CuttingStore(ObjectStore store) {
            super(store);
        }

        void cut(String key, int reads, Cut how) {
            cutKey = key;
            cutReads = reads;
            cut = how;
        }

        int opens(String key) {
            return opens.getOrDefault(key, 0);
        }

        @Override
        public InputStream open(String key) throws IOException {
            int open = opens.merge(key, 1, Integer::sum);
            InputStream in = store.open(key);
            if (!key.equals(cutKey) || open > cutReads) {
                return in;
            }
            // Past the gzip header and some records, short of the end.
            long cutAt = 600;
            return new FilterInputStream(in) {
                private long read;

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (read >= cutAt) {
                        if (cut == Cut.CONNECTION_RESET) {
                            throw new IOException("Connection reset");
                        }
                        return -1;
                    }
                    int n = super.read(b, off, (int) Math.min(len, cutAt - read));
                    if (n > 0) {
                        read += n;
                    }
                    return n;
                }
            };
        }
    }
}
