package io.linktally.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileObjectStoreTest {
    @TempDir
    Path root;

    @Test
    void storesOnlyWhenNothingIsThere() throws IOException {
        FileObjectStore store = new FileObjectStore(root);
        assertThat(store.metadata("t/dt=2026-11-23/hr=10/a")).isEmpty();
        assertThat(store.putIfAbsent("t/dt=2026-11-23/hr=10/a", bytes("first"), Map.of())).isTrue();
        assertThat(store.putIfAbsent("t/dt=2026-11-23/hr=10/a", bytes("second"), Map.of())).isFalse();
        assertThat(read(store, "t/dt=2026-11-23/hr=10/a")).isEqualTo("first");
        assertThat(store.metadata("t/dt=2026-11-23/hr=10/a")).contains(Map.of());
        try (var files = Files.list(root.resolve("t/dt=2026-11-23/hr=10"))) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).as("no temporary file left").containsExactly("a");
        }
    }

    @Test
    void listsByPrefixInKeyOrder() throws IOException {
        FileObjectStore store = new FileObjectStore(root);
        for (String key : List.of("b/dt=1/x2", "a/dt=2/x1", "a/dt=1/x3", "a/dt=1/x1", "ab/dt=1/x")) {
            store.putIfAbsent(key, bytes(key), Map.of());
        }
        List<String> keys = new ArrayList<>();
        store.list("a/", object -> keys.add(object.key()));
        assertThat(keys).containsExactly("a/dt=1/x1", "a/dt=1/x3", "a/dt=2/x1");
        List<ObjectStore.StoredObject> all = new ArrayList<>();
        store.list("", all::add);
        assertThat(all).extracting(ObjectStore.StoredObject::key).containsExactly("a/dt=1/x1", "a/dt=1/x3", "a/dt=2/x1", "ab/dt=1/x", "b/dt=1/x2");
        assertThat(all.get(0).size()).isEqualTo(9);
        keys.clear();
        store.list("a/dt=1/", object -> keys.add(object.key()));
        assertThat(keys).containsExactly("a/dt=1/x1", "a/dt=1/x3");
        keys.clear();
        store.list("a/", "a/dt=1/x1", object -> keys.add(object.key()));
        assertThat(keys).containsExactly("a/dt=1/x3", "a/dt=2/x1");
        keys.clear();
        store.list("a/", "a/dt=1/~", object -> keys.add(object.key()));
        assertThat(keys).containsExactly("a/dt=2/x1");
    }

    @Test
    void refusesKeysOutsideItsDirectory() {
        FileObjectStore store = new FileObjectStore(root.resolve("archive"));
        assertThatThrownBy(() -> store.putIfAbsent("../escape", bytes("x"), Map.of())).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String read(ObjectStore store, String key) throws IOException {
        try (InputStream in = store.open(key)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
