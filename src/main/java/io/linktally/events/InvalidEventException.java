package io.linktally.events;

/** A record that is not a valid event; its message is the reason shown to the sender. */
public class InvalidEventException extends RuntimeException {
    public InvalidEventException(String message) {
        super(message, null, false, false);
    }

    public InvalidEventException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
