package io.linktally.http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A body of one JSON event, or NDJSON many. A body with a single JSON value may span lines
 * (pretty-printed); any other body is one event per non-blank line.
 */
final class NdjsonBody {
    record Line(int number, byte[] bytes) {
    }

    private NdjsonBody() {
    }

    static List<Line> split(byte[] body, int maxEvents) {
        byte[] firstLine = trim(firstNonBlankLine(body));
        if (firstLine.length == 0) {
            throw ApiException.badRequest("empty_body", "the body holds no event");
        }
        if (firstLine[0] == '{' && firstLine[firstLine.length - 1] != '}') {
            return List.of(new Line(1, trim(body)));
        }
        List<Line> lines = new ArrayList<>();
        int start = 0;
        int number = 1;
        for (int i = 0; i <= body.length; i++) {
            if (i == body.length || body[i] == '\n') {
                int end = i > start && body[i - 1] == '\r' ? i - 1 : i;
                if (!blank(body, start, end)) {
                    if (lines.size() == maxEvents) {
                        throw new ApiException(413, "too_many_events", "more than " + maxEvents + " events in one request");
                    }
                    lines.add(new Line(number, Arrays.copyOfRange(body, start, end)));
                }
                start = i + 1;
                number++;
            }
        }
        return lines;
    }

    private static byte[] firstNonBlankLine(byte[] body) {
        int start = 0;
        for (int i = 0; i <= body.length; i++) {
            if (i == body.length || body[i] == '\n') {
                if (!blank(body, start, i)) {
                    return Arrays.copyOfRange(body, start, i);
                }
                start = i + 1;
            }
        }
        return new byte[0];
    }

    private static boolean blank(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!isSpace(bytes[i])) {
                return false;
            }
        }
        return true;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n';
    }

    private static byte[] trim(byte[] bytes) {
        int from = 0;
        int to = bytes.length;
        while (from < to && isSpace(bytes[from])) {
            from++;
        }
        while (to > from && isSpace(bytes[to - 1])) {
            to--;
        }
        return Arrays.copyOfRange(bytes, from, to);
    }
}
