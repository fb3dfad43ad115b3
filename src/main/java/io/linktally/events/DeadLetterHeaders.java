package io.linktally.events;

/**
 * Headers that a dead-lettered record carries beside its unchanged key, value and original headers,
 * so that an operator can find the source record and see why it was rejected.
 */
public final class DeadLetterHeaders {
    public static final String SOURCE_TOPIC = "linktally.source.topic";
    public static final String SOURCE_PARTITION = "linktally.source.partition";
    public static final String SOURCE_OFFSET = "linktally.source.offset";
    /** A human sentence, e.g. "field 'url': url must be absolute http or https". */
    public static final String REASON = "linktally.reason";
    /** The class of the exception behind the reason, for grouping failures. */
    public static final String ERROR_CLASS = "linktally.error.class";

    private DeadLetterHeaders() {
    }
}
