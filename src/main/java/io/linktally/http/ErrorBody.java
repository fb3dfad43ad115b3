package io.linktally.http;

import com.fasterxml.jackson.annotation.JsonInclude;

/** SPEC's error shape; {@code line} names the offending line of an NDJSON body, {@code state} the stream state. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ErrorBody(String error, String message, Integer line, String state) {
    ErrorBody(String error, String message) {
        this(error, message, null, null);
    }
}
