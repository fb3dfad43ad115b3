package io.linktally.archive;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Talks to the object store off the consumer's thread. Every request is retried with back-off,
 * without end and without skipping, until it succeeds or its partition is taken away.
 */
final class ObjectUploader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ObjectUploader.class);
    private static final long FIRST_BACKOFF_MS = 100;

    private final ObjectStore store;
    private final ExecutorService threads;
    private final long maxBackoffMs;
    private final OptionalInt haltAfterUploads;
    private final AtomicInteger stored = new AtomicInteger();
    private final ArchiveMetrics metrics;

    ObjectUploader(ObjectStore store, int threads, Duration maxBackoff, OptionalInt haltAfterUploads, ArchiveMetrics metrics) {
        this.store = store;
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(threads, task -> {
            Thread thread = new Thread(task, "archive-upload-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.maxBackoffMs = maxBackoff.toMillis();
        this.haltAfterUploads = haltAfterUploads;
        this.metrics = metrics;
    }

    /** How a store request ended. */
    sealed interface Outcome {
        /** This request stored the object. */
        record Stored() implements Outcome {
        }

        /** An object was already under the key, holding offsets up to {@code lastOffset} and starting with {@code first}. */
        record AlreadyThere(long lastOffset, ArchivedRecord first) implements Outcome {
        }

        /** The partition was taken away before the request succeeded. */
        record Cancelled() implements Outcome {
        }
    }

    Future<?> store(ArchiveObject object, AtomicBoolean cancelled, Consumer<Outcome> done) {
        return threads.submit(() -> {
            long started = System.nanoTime();
            Outcome outcome = retrying("storing " + object, cancelled, () -> store.putIfAbsent(object.key(), object.body(), object.metadata())
                    ? new Outcome.Stored()
                    : new Outcome.AlreadyThere(ArchiveReader.lastOffset(store, object.key()), ArchiveReader.first(store, object.key())))
                    .orElseGet(Outcome.Cancelled::new);
            if (outcome instanceof Outcome.Stored) {
                metrics.uploads.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                metrics.objects.increment();
                metrics.records.increment(object.records());
                metrics.bytes.increment(object.body().length);
                LOG.debug("Stored {}", object);
                if (haltAfterUploads.isPresent() && stored.incrementAndGet() >= haltAfterUploads.getAsInt()) {
                    LOG.warn("Halting after storing {} objects, before committing their offsets (--halt-after-uploads)", stored.get());
                    Runtime.getRuntime().halt(137);
                }
            }
            done.accept(outcome);
        });
    }

    /** Whether an object is stored under {@code key}: if so, the last offset it holds and its first record. */
    Future<?> probe(String key, AtomicBoolean cancelled, Consumer<Optional<Outcome.AlreadyThere>> done) {
        return threads.submit(() -> retrying("looking for " + key, cancelled,
                () -> {
                    Optional<Map<String, String>> metadata = store.metadata(key);
                    return metadata.isPresent()
                            ? Optional.of(new Outcome.AlreadyThere(ArchiveReader.lastOffset(store, key, metadata.get()), ArchiveReader.first(store, key)))
                            : Optional.<Outcome.AlreadyThere>empty();
                })
                .ifPresent(done));
    }

    private interface Request<T> {
        T call() throws IOException;
    }

    /** The request's answer, or empty once the partition is taken away. */
    private <T> Optional<T> retrying(String what, AtomicBoolean cancelled, Request<T> request) {
        long backoff = FIRST_BACKOFF_MS;
        long lastLogged = 0;
        for (int attempt = 1; ; attempt++) {
            if (cancelled.get()) {
                return Optional.empty();
            }
            try {
                T answer = request.call();
                metrics.storeFailingSinceMs.set(0);
                return Optional.of(answer);
            } catch (IOException | RuntimeException e) {
                metrics.failures.increment();
                long now = System.currentTimeMillis();
                metrics.storeFailingSinceMs.compareAndSet(0, now);
                if (attempt == 1 || Long.bitCount(attempt) == 1 || now - lastLogged >= 60_000) {
                    lastLogged = now;
                    LOG.warn("Object store failed {} (attempt {}), retrying in {} ms: {}", what, attempt, backoff, e.toString());
                }
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
            backoff = Math.min(backoff * 2, maxBackoffMs);
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
        try {
            threads.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
