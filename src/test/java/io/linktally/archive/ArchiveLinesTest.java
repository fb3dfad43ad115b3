package io.linktally.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class ArchiveLinesTest {
    private static final JsonFactory JSON = new JsonFactory();

    @Test
    void keepsTextAsTextAndEveryOtherByteExactly() throws IOException {
        Random random = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            byte[] key = i % 5 == 0 ? null : randomBytes(random, i % 3 == 0);
            byte[] value = i % 11 == 0 ? null : randomBytes(random, i % 2 == 0);
            RecordHeaders headers = new RecordHeaders();
            for (int h = 0; h < i % 4; h++) {
                headers.add(new RecordHeader(h == 2 ? "dup" : "h" + h, h == 1 ? null : randomBytes(random, h == 0)));
            }
            if (i % 4 == 3) {
                headers.add(new RecordHeader("dup", "second".getBytes(StandardCharsets.UTF_8)));
            }
            ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("links.created", i % 6, 1_000L + i, 1_700_000_000_000L + i,
                    i % 7 == 0 ? TimestampType.LOG_APPEND_TIME : TimestampType.CREATE_TIME, -1, -1, key, value, headers, Optional.empty());

            ArchivedRecord back = roundTrip(record);

            assertThat(back.topic()).isEqualTo("links.created");
            assertThat(back.partition()).isEqualTo(i % 6);
            assertThat(back.offset()).isEqualTo(1_000L + i);
            assertThat(back.timestamp()).isEqualTo(1_700_000_000_000L + i);
            assertThat(back.timestampType()).isEqualTo(record.timestampType());
            assertThat(back.key()).isEqualTo(key);
            assertThat(back.value()).isEqualTo(value);
            assertThat(back.headers()).containsExactlyElementsOf(
                    java.util.Arrays.stream(headers.toArray()).map(h -> new ArchivedRecord.Header(h.key(), h.value())).toList());
        }
    }

    @Test
    void writesUtf8AsReadableTextAndOtherBytesAsBase64() throws IOException {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("links.created", 2, 42, 1_480_431_305_000L, TimestampType.CREATE_TIME,
                -1, -1, "k\u00e9".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xff, 0x00, 0x41},
                new RecordHeaders(List.of(new RecordHeader("trace", "a\"b".getBytes(StandardCharsets.UTF_8)))), Optional.empty());

        assertThat(line(record)).isEqualTo("{\"topic\":\"links.created\",\"partition\":2,\"offset\":42,\"timestamp\":1480431305000,"
                + "\"timestamp_type\":\"CreateTime\",\"key\":\"k\u00e9\",\"value_base64\":\"/wBB\",\"headers\":[{\"key\":\"trace\",\"value\":\"a\\\"b\"}]}");
    }

    @Test
    void tellsStrictUtf8FromOtherBytes() {
        assertThat(ArchiveLines.isUtf8("plain ascii".getBytes(StandardCharsets.US_ASCII))).isTrue();
        assertThat(ArchiveLines.isUtf8("\u65e5\u672c \ud83d\ude00".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(ArchiveLines.isUtf8(new byte[] {(byte) 0xc0, (byte) 0xaf})).as("overlong /").isFalse();
        assertThat(ArchiveLines.isUtf8(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80})).as("encoded surrogate").isFalse();
        assertThat(ArchiveLines.isUtf8(new byte[] {'a', (byte) 0xe6, (byte) 0x97})).as("truncated").isFalse();
        assertThat(ArchiveLines.isUtf8(new byte[0])).isTrue();
    }

    @Test
    void rejectsLinesWithoutTheirPosition() {
        assertThatThrownBy(() -> read("{\"topic\":\"t\",\"partition\":0,\"timestamp\":1,\"value\":\"x\"}"))
                .hasMessageContaining("topic, partition, offset and timestamp");
        assertThatThrownBy(() -> read("{\"topic\":\"t\",\"partition\":0,\"offset\":1,\"timestamp\":1,\"value\":5}"))
                .hasMessageContaining("value must be a string or null");
    }

    private static ArchivedRecord roundTrip(ConsumerRecord<byte[], byte[]> record) throws IOException {
        return read(line(record));
    }

    private static String line(ConsumerRecord<byte[], byte[]> record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator generator = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            ArchiveLines.write(generator, record);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static ArchivedRecord read(String line) throws IOException {
        try (JsonParser parser = JSON.createParser(line.getBytes(StandardCharsets.UTF_8))) {
            parser.nextToken();
            return ArchiveLines.read(parser);
        }
    }

    private static byte[] randomBytes(Random random, boolean text) {
        if (text) {
            StringBuilder s = new StringBuilder();
            int n = random.nextInt(40);
            for (int i = 0; i < n; i++) {
                s.appendCodePoint(switch (random.nextInt(4)) {
                    case 0 -> random.nextInt(0x20);
                    case 1 -> 0x20 + random.nextInt(0x5f);
                    case 2 -> 0xa0 + random.nextInt(0x700);
                    default -> 0x1f600 + random.nextInt(0x40);
                });
            }
            return s.toString().getBytes(StandardCharsets.UTF_8);
        }
        byte[] bytes = new byte[random.nextInt(64)];
        random.nextBytes(bytes);
        return bytes;
    }
}
