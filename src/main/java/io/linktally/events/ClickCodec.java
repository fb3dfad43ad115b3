package io.linktally.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Instant;

/** Reads click events (SPEC "Events"), naming the exact field that is wrong. */
public final class ClickCodec {
    public static final int MAX_USER_AGENT_CHARS = 2048;
    public static final int MAX_REFERRER_CHARS = 8192;
    public static final int MAX_IP_CHARS = 64;

    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final int URL = 1;
    private static final int CLICK_ID = 2;
    private static final int CLICKED_AT = 4;
    private static final int IP = 8;
    private static final int USER_AGENT = 16;
    private static final int REFERRER = 32;
    private static final int CODE = 64;

    /**
     * @throws InvalidEventException with a reason fit for a dead-letter header or an HTTP 400
     */
    public ClickEvent decode(byte[] bytes) {
        return EventFields.decode(JSON, bytes, ClickCodec::readObject);
    }

    private static ClickEvent readObject(JsonParser parser) throws IOException {
        String url = null;
        String clickId = null;
        Instant clickedAt = null;
        String ip = null;
        String userAgent = null;
        String referrer = null;
        String code = null;
        int seen = 0;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "url" -> {
                    seen = EventFields.once(seen, URL, field);
                    url = EventFields.requiredUrl(parser, value);
                }
                case "click_id" -> {
                    seen = EventFields.once(seen, CLICK_ID, field);
                    clickId = value == JsonToken.VALUE_NULL ? null : EventFields.identifier(parser, value, field);
                }
                case "clicked_at" -> {
                    seen = EventFields.once(seen, CLICKED_AT, field);
                    clickedAt = EventFields.instant(parser, value, field);
                }
                case "ip" -> {
                    seen = EventFields.once(seen, IP, field);
                    ip = optionalText(parser, value, field, MAX_IP_CHARS);
                }
                case "user_agent" -> {
                    seen = EventFields.once(seen, USER_AGENT, field);
                    userAgent = optionalText(parser, value, field, MAX_USER_AGENT_CHARS);
                }
                case "referrer" -> {
                    seen = EventFields.once(seen, REFERRER, field);
                    referrer = optionalText(parser, value, field, MAX_REFERRER_CHARS);
                }
                case "code" -> {
                    seen = EventFields.once(seen, CODE, field);
                    code = value == JsonToken.VALUE_NULL ? null : EventFields.identifier(parser, value, field);
                }
                default -> parser.skipChildren();
            }
        }
        if (url == null) {
            throw new InvalidEventException("field 'url' is required");
        }
        return new ClickEvent(url, EventFields.canonical(url), clickId, clickedAt, ip, userAgent, referrer, code);
    }

    private static String optionalText(JsonParser parser, JsonToken token, String field, int maxChars) throws IOException {
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token != JsonToken.VALUE_STRING) {
            throw new InvalidEventException("field '" + field + "' must be a string");
        }
        String text = parser.getText();
        if (text.length() > maxChars) {
            throw new InvalidEventException("field '" + field + "' is longer than " + maxChars + " characters");
        }
        return text.isEmpty() ? null : text;
    }
}
