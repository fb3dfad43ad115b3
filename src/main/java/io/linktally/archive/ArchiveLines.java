package io.linktally.archive;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.TimestampType;

/**
 * One archive line per record:
 * {@code {"topic","partition","offset","timestamp","timestamp_type","key","value","headers":[{"key","value"}]}}.
 * A key, value or header value that is valid UTF-8 is kept as a JSON string, so that the archive
 * reads as text with {@code zcat | jq}; any other bytes go to {@code key_base64},
 * {@code value_base64} or the header's {@code value_base64}. Either way the bytes come back exactly,
 * and null stays null.
 */
public final class ArchiveLines {
    private ArchiveLines() {
    }

    public static void write(JsonGenerator out, ConsumerRecord<byte[], byte[]> record) throws IOException {
        out.writeStartObject();
        out.writeStringField("topic", record.topic());
        out.writeNumberField("partition", record.partition());
        out.writeNumberField("offset", record.offset());
        out.writeNumberField("timestamp", record.timestamp());
        out.writeStringField("timestamp_type", record.timestampType() == TimestampType.LOG_APPEND_TIME ? "LogAppendTime" : "CreateTime");
        writeBytes(out, "key", record.key());
        writeBytes(out, "value", record.value());
        Header[] headers = record.headers().toArray();
        if (headers.length > 0) {
            out.writeArrayFieldStart("headers");
            for (Header header : headers) {
                out.writeStartObject();
                out.writeStringField("key", header.key());
                writeBytes(out, "value", header.value());
                out.writeEndObject();
            }
            out.writeEndArray();
        }
        out.writeEndObject();
    }

    /** Reads the line whose START_OBJECT the parser is on; a malformed line is an {@link IOException} saying what is wrong. */
    public static ArchivedRecord read(JsonParser in) throws IOException {
        if (in.currentToken() != JsonToken.START_OBJECT) {
            throw new MalformedLineException("an archive line must be a JSON object, found " + in.currentToken());
        }
        String topic = null;
        Integer partition = null;
        Long offset = null;
        Long timestamp = null;
        TimestampType type = TimestampType.CREATE_TIME;
        byte[] key = null;
        byte[] value = null;
        List<ArchivedRecord.Header> headers = List.of();
        while (in.nextToken() == JsonToken.FIELD_NAME) {
            String field = in.currentName();
            JsonToken token = in.nextToken();
            switch (field) {
                case "topic" -> topic = in.getValueAsString();
                case "partition" -> partition = in.getIntValue();
                case "offset" -> offset = in.getLongValue();
                case "timestamp" -> timestamp = in.getLongValue();
                case "timestamp_type" -> type = "LogAppendTime".equals(in.getText()) ? TimestampType.LOG_APPEND_TIME : TimestampType.CREATE_TIME;
                case "key", "key_base64" -> key = readBytes(in, field, token);
                case "value", "value_base64" -> value = readBytes(in, field, token);
                case "headers" -> headers = readHeaders(in, token);
                default -> in.skipChildren();
            }
        }
        if (topic == null || partition == null || offset == null || timestamp == null) {
            throw new MalformedLineException("an archive line needs topic, partition, offset and timestamp");
        }
        return new ArchivedRecord(topic, partition, offset, timestamp, type, key, value, headers);
    }

    private static void writeBytes(JsonGenerator out, String field, byte[] bytes) throws IOException {
        if (bytes == null) {
            out.writeNullField(field);
        } else if (isUtf8(bytes)) {
            out.writeFieldName(field);
            out.writeUTF8String(bytes, 0, bytes.length);
        } else {
            out.writeBinaryField(field + "_base64", bytes);
        }
    }

    private static byte[] readBytes(JsonParser in, String field, JsonToken token) throws IOException {
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token != JsonToken.VALUE_STRING) {
            throw new MalformedLineException(field + " must be a string or null, found " + token);
        }
        return field.endsWith("_base64") ? in.getBinaryValue() : in.getText().getBytes(StandardCharsets.UTF_8);
    }

    private static List<ArchivedRecord.Header> readHeaders(JsonParser in, JsonToken token) throws IOException {
        if (token != JsonToken.START_ARRAY) {
            throw new MalformedLineException("headers must be an array, found " + token);
        }
        List<ArchivedRecord.Header> headers = new ArrayList<>();
        while (in.nextToken() == JsonToken.START_OBJECT) {
            String key = null;
            byte[] value = null;
            while (in.nextToken() == JsonToken.FIELD_NAME) {
                String field = in.currentName();
                JsonToken valueToken = in.nextToken();
                switch (field) {
                    case "key" -> key = in.getText();
                    case "value", "value_base64" -> value = readBytes(in, field, valueToken);
                    default -> in.skipChildren();
                }
            }
            if (key == null) {
                throw new MalformedLineException("a header needs a key");
            }
            headers.add(new ArchivedRecord.Header(key, value));
        }
        return headers;
    }

    /** Strict UTF-8: text that decodes and encodes back to the very same bytes. */
    static boolean isUtf8(byte[] bytes) {
        int i = 0;
        while (i < bytes.length && bytes[i] >= 0) {
            i++;
        }
        if (i == bytes.length) {
            return true;
        }
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** A line that is JSON but not an archive line: the object holding it is corrupt. */
    public static final class MalformedLineException extends IOException {
        MalformedLineException(String message) {
            super(message);
        }
    }
}
