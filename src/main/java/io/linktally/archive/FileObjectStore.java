package io.linktally.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

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
    public void list(String prefix, String startAfter, Consumer<StoredObject> each) throws IOException {
        // Walk only the deepest directory the prefix names, not the whole archive.
        Path start = prefix.contains("/") ? resolve(prefix.substring(0, prefix.lastIndexOf('/'))) : root;
        if (!Files.isDirectory(start)) {
            return;
        }
        List<StoredObject> found = new ArrayList<>();
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            /** Not into a directory whose keys all sort before startAfter: a replay's later days skip the earlier ones unread. */
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                String under = keyOf(dir) + "/";
                boolean allBefore = !dir.equals(start) && under.compareTo(startAfter) < 0 && !startAfter.startsWith(under);
                return allBefore ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                String key = keyOf(file);
                if (attributes.isRegularFile() && !file.getFileName().toString().startsWith(TEMPORARY_PREFIX) && key.startsWith(prefix)
                        && key.compareTo(startAfter) > 0) {
                    found.add(new StoredObject(key, attributes.size()));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                // A writer's temporary file can vanish between listing its directory and reading it.
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
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

    /** A new name is only durable once its directory entry is. */
    private static void forceDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some file systems cannot open a directory for reading; the link itself is in place.
        }
    }
}
