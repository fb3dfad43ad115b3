package io.linktally.archive;

import java.net.URI;
import java.util.Optional;

/** Opens the object store an {@link ArchiveUri} names. */
public final class ObjectStores {
    private ObjectStores() {
    }

    /** The store, or empty for {@code none}; a missing or forbidden bucket is an {@link IllegalArgumentException} saying so. */
    public static Optional<ObjectStore> open(ArchiveUri uri, Optional<URI> s3Endpoint, Optional<String> s3Region) {
        if (uri instanceof ArchiveUri.Directory directory) {
            return Optional.of(new FileObjectStore(directory.path()));
        }
        if (uri instanceof ArchiveUri.S3 s3) {
            S3ObjectStore store = new S3ObjectStore(S3ObjectStore.client(s3Endpoint, s3Region), s3.bucket(), s3.prefix());
            try {
                store.checkBucket();
            } catch (IllegalArgumentException e) {
                store.close();
                throw new IllegalArgumentException(uri + ": " + e.getMessage(), e);
            }
            return Optional.of(store);
        }
        return Optional.empty();
    }
}
