package io.linktally.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveReaderTest {
    @TempDir
    Path root;

    @Test
    void readsEveryLineInOrder() throws IOException {
        FileObjectStore store = store("good", line(5) + line(6) + line(9));
        List<Long> offsets = new ArrayList<>();
        ArchiveReader.forEach(store, "good", record -> offsets.add(record.offset()));
        assertThat(offsets).containsExactly(5L, 6L, 9L);
        assertThat(ArchiveReader.first(store, "good").offset()).isEqualTo(5);
        assertThat(ArchiveReader.lastOffset(store, "good")).isEqualTo(9);
    }

    @Test
    void aLineThatIsNotAnArchiveLineMakesTheObjectCorruptAfterTheLastGoodOffset() throws IOException {
        FileObjectStore store = store("bad", line(5) + "{\"topic\":\"t\",\"partition\":0,\"timestamp\":1}\n" + line(7));
        assertThatThrownBy(() -> ArchiveReader.forEach(store, "bad", record -> { }))
                .isInstanceOf(ArchiveReader.CorruptObjectException.class)
                .hasMessage("bad is corrupt after offset 5: an archive line needs topic, partition, offset and timestamp")
                .satisfies(e -> assertThat(((ArchiveReader.CorruptObjectException) e).lastGoodOffset()).isEqualTo(5));
    }

    @Test
    void aTruncatedObjectIsCorrupt() throws IOException {
        byte[] whole = gzip(line(1) + line(2));
        FileObjectStore store = new FileObjectStore(root);
        store.putIfAbsent("cut", java.util.Arrays.copyOf(whole, whole.length - 12), Map.of());
        assertThatThrownBy(() -> ArchiveReader.forEach(store, "cut", record -> { }))
                .isInstanceOf(ArchiveReader.CorruptObjectException.class).hasMessageStartingWith("cut is corrupt after ");
    }

    private FileObjectStore store(String key, String lines) throws IOException {
        FileObjectStore store = new FileObjectStore(root);
        store.putIfAbsent(key, gzip(lines), Map.of());
        return store;
    }

    private static String line(long offset) {
        return "{\"topic\":\"t\",\"partition\":0,\"offset\":" + offset + ",\"timestamp\":1,\"key\":null,\"value\":\"v\"}\n";
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }
}
