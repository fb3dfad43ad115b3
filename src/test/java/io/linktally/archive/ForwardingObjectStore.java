package io.linktally.archive;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** A store that passes every call to another, for tests that change how one or two of them behave. */
public abstract class ForwardingObjectStore implements ObjectStore {
    protected final ObjectStore store;

    protected ForwardingObjectStore(ObjectStore store) {
        this.store = store;
    }

    @Override
    public boolean putIfAbsent(String key, byte[] body, Map<String, String> metadata) throws IOException {
        return store.putIfAbsent(key, body, metadata);
    }

    @Override
    public Optional<Map<String, String>> metadata(String key) throws IOException {
        return store.metadata(key);
    }

    @Override
    public InputStream open(String key) throws IOException {
        return store.open(key);
    }

    @Override
    public void list(String prefix, String startAfter, Consumer<StoredObject> each) throws IOException {
        store.list(prefix, startAfter, each);
    }

    @Override
    public String describe() {
        return getClass().getSimpleName() + " over " + store.describe();
    }

    @Override
    public void close() {
        store.close();
    }
}
