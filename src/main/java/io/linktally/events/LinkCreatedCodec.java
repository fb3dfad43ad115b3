package io.linktally.events;

import io.linktally.urls.CanonicalUrl;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;

/**
 * Reads link-created events (SPEC "Events"). A streaming parser rather than data binding: it is
 * the hottest code of ingestion, and it names the exact field that is wrong.
 */
public final class LinkCreatedCodec {
    public static final int MAX_EVENT_BYTES = 64 * 1024;
    public static final int MAX_URL_BYTES = CanonicalUrl.MAX_LENGTH;
    public static final int MAX_ID_CHARS = 256;

    // Duplicates of our own fields are caught below; Jackson's detector allocates a set per event.
    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final int URL = 1;
    private static final int UPDATE_ID = 2;
    private static final int CREATED_AT = 4;
    private static final int PROFILE_ID = 8;
    private static final String REDACTED_SOURCE = "Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); ";
    private static final long MAX_EPOCH_SECONDS = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

    /**
     * @throws InvalidEventException with a reason fit for a dead-letter header or an HTTP 400
     */
    public LinkCreated decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new InvalidEventException("empty record");
        }
        if (bytes.length > MAX_EVENT_BYTES) {
            throw new InvalidEventException("event is " + bytes.length + " bytes, more than " + MAX_EVENT_BYTES);
        }
        requireUtf8(bytes);
        try (JsonParser parser = JSON.createParser(bytes)) {
            LinkCreated event = readObject(parser);
            if (parser.nextToken() != null) {
                throw new InvalidEventException("unexpected content after the JSON object");
            }
            return event;
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("invalid JSON: " + e.getOriginalMessage().replace(REDACTED_SOURCE, ""), e);
        } catch (IOException e) {
            throw new InvalidEventException("unreadable event: " + e.getMessage(), e);
        }
    }

    private static LinkCreated readObject(JsonParser parser) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            throw new InvalidEventException("event must be a JSON object");
        }
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
                    seen = once(seen, URL, field);
                    url = requiredUrl(parser, value);
                }
                case "update_id" -> {
                    seen = once(seen, UPDATE_ID, field);
                    updateId = identifier(parser, value, "update_id");
                }
                case "created_at" -> {
                    seen = once(seen, CREATED_AT, field);
                    createdAt = instant(parser, value, "created_at");
                }
                case "profile_id" -> {
                    seen = once(seen, PROFILE_ID, field);
                    profileId = value == JsonToken.VALUE_NULL ? null : identifier(parser, value, "profile_id");
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
        return new LinkCreated(url, canonical(url), updateId, createdAt, profileId);
    }

    private static int once(int seen, int field, String name) {
        if ((seen & field) != 0) {
            throw new InvalidEventException("invalid JSON: duplicate field '" + name + "'");
        }
        return seen | field;
    }

    private static String requiredUrl(JsonParser parser, JsonToken token) throws IOException {
        if (token != JsonToken.VALUE_STRING) {
            throw new InvalidEventException("field 'url' must be a string");
        }
        String url = parser.getText();
        if (url.isBlank()) {
            throw new InvalidEventException("field 'url' is empty");
        }
        return url;
    }

    private static String canonical(String url) {
        try {
            return CanonicalUrl.canonicalize(url);
        } catch (CanonicalUrl.InvalidUrlException e) {
            throw new InvalidEventException("field 'url': " + e.getMessage(), e);
        }
    }

    /** Ids arrive as strings or as JSON integers from older producers; both mean the same id. */
    static String identifier(JsonParser parser, JsonToken token, String field) throws IOException {
        String id;
        if (token == JsonToken.VALUE_STRING) {
            id = parser.getText();
        } else if (token == JsonToken.VALUE_NUMBER_INT) {
            id = parser.getBigIntegerValue().toString();
        } else {
            throw new InvalidEventException("field '" + field + "' must be a string or an integer");
        }
        if (id.isBlank()) {
            throw new InvalidEventException("field '" + field + "' is empty");
        }
        if (id.length() > MAX_ID_CHARS) {
            throw new InvalidEventException("field '" + field + "' is longer than " + MAX_ID_CHARS + " characters");
        }
        return id;
    }

    /** Epoch seconds as a number or a string of digits, or an ISO-8601 instant; null means absent. */
    static Instant instant(JsonParser parser, JsonToken token, String field) throws IOException {
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token == JsonToken.VALUE_NUMBER_INT) {
            return epochSeconds(parser.getText(), field);
        }
        if (token != JsonToken.VALUE_STRING) {
            throw new InvalidEventException("field '" + field + "' must be epoch seconds or an ISO-8601 instant");
        }
        String text = parser.getText().trim();
        if (!text.isEmpty() && text.chars().allMatch(Character::isDigit)) {
            return epochSeconds(text, field);
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeException e) {
            throw new InvalidEventException("field '" + field + "' is neither epoch seconds nor an ISO-8601 instant: '" + abbreviate(text) + "'");
        }
    }

    private static Instant epochSeconds(String digits, String field) {
        try {
            long seconds = Long.parseLong(digits);
            if (seconds >= 0 && seconds <= MAX_EPOCH_SECONDS) {
                return Instant.ofEpochSecond(seconds);
            }
        } catch (NumberFormatException e) {
            // falls through to the range error: the digits do not fit a long
        }
        throw new InvalidEventException("field '" + field + "' is out of range: " + abbreviate(digits));
    }

    /**
     * Strict UTF-8, and no NUL byte: JSON never holds one unescaped, and without one the parser
     * cannot mistake the bytes for UTF-16 or UTF-32. Most events are ASCII and take one pass.
     */
    static void requireUtf8(byte[] bytes) {
        boolean ascii = true;
        for (byte b : bytes) {
            if (b == 0) {
                throw new InvalidEventException("event contains a NUL byte");
            }
            ascii &= b > 0;
        }
        if (!ascii) {
            requireStrictUtf8(bytes);
        }
    }

    private static void requireStrictUtf8(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            decoder.decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            throw new InvalidEventException("event is not valid UTF-8", e);
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
