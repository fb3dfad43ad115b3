package io.linktally.archive;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** {@code s3://bucket/prefix}, {@code file:/path} or {@code none}, as given to {@code --archive}. */
public sealed interface ArchiveUri {

    record S3(String bucket, String prefix) implements ArchiveUri {
        @Override
        public String toString() {
            return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
        }
    }

    record Directory(Path path) implements ArchiveUri {
        @Override
        public String toString() {
            return "file:" + path;
        }
    }

    record None() implements ArchiveUri {
        @Override
        public String toString() {
            return "none";
        }
    }

    /** Parses an archive URI; an unusable one is an {@link IllegalArgumentException} saying why. */
    static ArchiveUri parse(String text) {
        String trimmed = text.trim();
        if (trimmed.equals("none")) {
            return new None();
        }
        if (trimmed.startsWith("s3://")) {
            String rest = trimmed.substring("s3://".length());
            int slash = rest.indexOf('/');
            String bucket = slash < 0 ? rest : rest.substring(0, slash);
            String prefix = slash < 0 ? "" : rest.substring(slash + 1).replaceAll("^/+|/+$", "");
            if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
                throw new IllegalArgumentException("not an S3 bucket name in " + text + ": 3 to 63 lower-case letters, digits, dots and hyphens");
            }
            return new S3(bucket, prefix);
        }
        if (trimmed.startsWith("file:")) {
            String path = trimmed.substring("file:".length());
            if (path.startsWith("//")) {
                try {
                    return new Directory(Path.of(new URI(trimmed)));
                } catch (URISyntaxException | IllegalArgumentException e) {
                    throw new IllegalArgumentException("not a file URI: " + text + " (" + e.getMessage() + ")");
                }
            }
            if (path.isEmpty()) {
                throw new IllegalArgumentException("no directory in " + text + ": use file:/path or file:relative/path");
            }
            return new Directory(Path.of(path));
        }
        throw new IllegalArgumentException("unknown archive " + text + ": use s3://bucket/prefix, file:/path or none");
    }
}
