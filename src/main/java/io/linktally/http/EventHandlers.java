package io.linktally.http;

import io.linktally.events.EventPublisher;
import io.linktally.events.InvalidEventException;
import io.linktally.events.ClickCodec;
import io.linktally.events.LinkCreatedCodec;
import io.linktally.events.PublishableEvent;
import io.linktally.events.Topics;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Event ingestion. Every event of a request is validated before any is published, so a bad line
 * publishes nothing; the answer is 202 only once Kafka acknowledged them all.
 */
final class EventHandlers {
    private final EventPublisher publisher;
    private final HttpSettings settings;
    private final Clock clock;
    private final LinkCreatedCodec linkCreated = new LinkCreatedCodec();
    private final ClickCodec clicks = new ClickCodec();

    EventHandlers(EventPublisher publisher, HttpSettings settings, Clock clock) {
        this.publisher = publisher;
        this.settings = settings;
        this.clock = clock;
    }

    void postLinkCreated(Context ctx) {
        publish(ctx, Topics.LINKS_CREATED, bytes -> linkCreated.decode(bytes).updateId());
    }

    void postClicks(Context ctx) {
        publish(ctx, Topics.LINKS_CLICKED, bytes -> clicks.decode(bytes).clickId());
    }

    /** Validates every line with {@code keyOf}, which names the record key (null for none), then publishes them all. */
    private void publish(Context ctx, String topic, Function<byte[], String> keyOf) {
        List<NdjsonBody.Line> lines = NdjsonBody.split(ctx.bodyAsBytes(), settings.maxBatchEvents());
        long now = clock.millis();
        List<PublishableEvent> events = new ArrayList<>(lines.size());
        for (NdjsonBody.Line line : lines) {
            String key;
            try {
                key = keyOf.apply(line.bytes());
            } catch (InvalidEventException e) {
                throw new LineException(line.number(), e.getMessage());
            }
            events.add(new PublishableEvent(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), line.bytes(), now));
        }
        publisher.publishAll(events, settings.publishTimeout());
        ctx.status(202).json(Map.of("accepted", events.size()));
    }

    /** A 400 that names the line of the body that is wrong. */
    static final class LineException extends RuntimeException {
        private final int line;

        LineException(int line, String message) {
            super(message, null, false, false);
            this.line = line;
        }

        int line() {
            return line;
        }
    }
}
