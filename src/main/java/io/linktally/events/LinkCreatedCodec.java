package io.linktally.events;

import io.linktally.urls.CanonicalUrl;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Instant;

/**
 * Reads link-created events (SPEC "Events"). A streaming parser rather than data binding: it is
 * the hottest code of ingestion, and it names the exact field that is wrong.
 */
public final class LinkCreatedCodec {
    public static final int MAX_EVENT_BYTES = EventFields.MAX_EVENT_BYTES;
    public static final int MAX_URL_BYTES = CanonicalUrl.MAX_LENGTH;
    public static final int MAX_ID_CHARS = EventFields.MAX_ID_CHARS;

    // Duplicates of our own fields are caught below; Jackson's detector allocates a set per event.
    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final int URL = 1;
    private static final int UPDATE_ID = 2;
    private static final int CREATED_AT = 4;
    private static final int PROFILE_ID = 8;

    /**
     * @throws InvalidEventException with a reason fit for a dead-letter header or an HTTP 400
     */
    public LinkCreated decode(byte[] bytes) {
        return EventFields.decode(JSON, bytes, LinkCreatedCodec::readObject);
    }

    private static LinkCreated readObject(JsonParser parser) throws IOException {
        String url = null;
        String updateId = null;
        Instant createdAt = null;
        String profileId = null;
        int seen = 0;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "url" -> {
                    seen = EventFields.once(seen, URL, field);
                    url = EventFields.requiredUrl(parser, value);
                }
                case "update_id" -> {
                    seen = EventFields.once(seen, UPDATE_ID, field);
                    updateId = EventFields.identifier(parser, value, "update_id");
                }
                case "created_at" -> {
                    seen = EventFields.once(seen, CREATED_AT, field);
                    createdAt = EventFields.instant(parser, value, "created_at");
                }
                case "profile_id" -> {
                    seen = EventFields.once(seen, PROFILE_ID, field);
                    profileId = value == JsonToken.VALUE_NULL ? null : EventFields.identifier(parser, value, "profile_id");
                }
                default -> parser.skipChildren();
            }
        }
        if (url == null) {
            throw new InvalidEventException("field 'url' is required");
        }
        if (updateId == null) {
            throw new InvalidEventException("field 'update_id' is required");
        }
        return new LinkCreated(url, EventFields.canonical(url), updateId, createdAt, profileId);
    }

}
