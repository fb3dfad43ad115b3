package io.linktally.query;

/** Whether this instance can answer lookups now, and the stream state behind the answer. */
public interface Readiness {
    Status status();

    record Status(boolean ready, String state) {
    }
}
