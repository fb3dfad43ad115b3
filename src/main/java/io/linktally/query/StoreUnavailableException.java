package io.linktally.query;

/** No store can answer now; the message says why in words an API caller can act on. */
public final class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message) {
        super(message, null, false, false);
    }

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
