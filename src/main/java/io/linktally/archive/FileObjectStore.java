package io.linktally.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Archive objects as files under a directory, for the embedded default and for tests. An object
 * is written to a temporary file, forced to disk, then hard-linked to its name: the link fails if
 * the name exists, which gives the same put-if-absent as S3's conditional write. Files carry no
 * user metadata.
 */
public final class FileObjectStore implements ObjectStore {
    private static final String TEMPORARY_PREFIX = ".incoming-";
    private final Path root;

    public FileObjectStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public boolean putIfAbsent(String key, byte[] body, Map<String, String> metadata) throws IOException {
        Path target = resolve(key);
        Files.createDirectories(target.getParent());
        Path temporary = target.resolveSibling(TEMPORARY_PREFIX + UUID.randomUUID());
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(body);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.createLink(target, temporary);
            } catch (FileAlreadyExistsException e) {
                return false;
            }
            forceDirectory(target.getParent());
            return true;
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    @Override
    public Optional<Map<String, String>> metadata(String key) {
        return Files.isRegularFile(resolve(key)) ? Optional.of(Map.of()) : Optional.empty();
    }

    @Override
    public InputStream open(String key) throws IOException {
        try {
            return Files.newInputStream(resolve(key));
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(key, null, "no such archive object");
        }
    }

    @Override
    public void list(String prefix, Consumer<StoredObject> each) throws IOException {
        // Walk only the deepest directory the prefix names, not the whole archive.
        Path start = prefix.contains("/") ? resolve(prefix.substring(0, prefix.lastIndexOf('/'))) : root;
        if (!Files.isDirectory(start)) {
            return;
        }
        List<StoredObject> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(start)) {
            files.filter(Files::isRegularFile)
                    .filter(file -> !file.getFileName().toString().startsWith(TEMPORARY_PREFIX))
                    .forEach(file -> {
                        String key = keyOf(file);
                        if (key.startsWith(prefix)) {
                            found.add(new StoredObject(key, size(file)));
                        }
                    });
        }
        found.sort(java.util.Comparator.comparing(StoredObject::key));
        found.forEach(each);
    }

    @Override
    public String describe() {
        return "file:" + root;
    }

    @Override
    public void close() {
    }

    private Path resolve(String key) {
        Path path = root.resolve(key).normalize();
        if (!path.startsWith(root)) {
            throw new IllegalArgumentException("archive key outside the archive: " + key);
        }
        return path;
    }

    private String keyOf(Path file) {
        return root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new name is only durable once its directory entry is. */
    private static void forceDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some file systems cannot open a directory for reading; the link itself is in place.
        }
    }
}
