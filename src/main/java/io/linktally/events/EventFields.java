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

/** What every event codec checks the same way: the envelope (size, UTF-8, one JSON object) and the shared field kinds. */
final class EventFields {
    static final int MAX_EVENT_BYTES = 64 * 1024;
    static final int MAX_ID_CHARS = 256;
    private static final String REDACTED_SOURCE = "Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); ";
    private static final long MAX_EPOCH_SECONDS = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

    private EventFields() {
    }

    /** Reads the fields of the event's JSON object; the parser stands on its START_OBJECT. */
    interface ObjectReader<T> {
        T read(JsonParser parser) throws IOException;
    }

    /**
     * @throws InvalidEventException with a reason fit for a dead-letter header or an HTTP 400
     */
    static <T> T decode(JsonFactory json, byte[] bytes, ObjectReader<T> reader) {
        if (bytes == null || bytes.length == 0) {
            throw new InvalidEventException("empty record");
        }
        if (bytes.length > MAX_EVENT_BYTES) {
            throw new InvalidEventException("event is " + bytes.length + " bytes, more than " + MAX_EVENT_BYTES);
        }
        requireUtf8(bytes);
        try (JsonParser parser = json.createParser(bytes)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidEventException("event must be a JSON object");
            }
            T event = reader.read(parser);
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

    static int once(int seen, int field, String name) {
        if ((seen & field) != 0) {
            throw new InvalidEventException("invalid JSON: duplicate field '" + name + "'");
        }
        return seen | field;
    }

    static String requiredUrl(JsonParser parser, JsonToken token) throws IOException {
        if (token != JsonToken.VALUE_STRING) {
            throw new InvalidEventException("field 'url' must be a string");
        }
        String url = parser.getText();
        if (url.isBlank()) {
            throw new InvalidEventException("field 'url' is empty");
        }
        return url;
    }

    static String canonical(String url) {
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

    static Instant epochSeconds(String digits, String field) {
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

    static void requireStrictUtf8(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            decoder.decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            throw new InvalidEventException("event is not valid UTF-8", e);
        }
    }

    static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
