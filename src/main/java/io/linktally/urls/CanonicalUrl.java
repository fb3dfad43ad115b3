package io.linktally.urls;

import java.io.ByteArrayOutputStream;
import java.net.IDN;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reduces an http(s) URL to the one string under which all of its equivalent spellings are
 * counted, so that shares and clicks of "the same link" land on the same key.
 *
 * <p>Parsing is done by hand rather than with {@link java.net.URI}: URLs pasted by users
 * routinely carry raw non-ASCII characters, stray '%' signs, '|' or '{' in paths, which
 * {@code URI} rejects outright although every browser follows them.
 */
public final class CanonicalUrl {

    /** Upper bound on the UTF-8 size of an accepted (trimmed) input. */
    public static final int MAX_LENGTH = 8192;

    /** Thrown for any input that cannot be reduced to a canonical http(s) URL. */
    public static final class InvalidUrlException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public InvalidUrlException(String message) {
            super(message);
        }
    }

    private static final String HEX = "0123456789ABCDEF";
    private static final int MAX_LABEL_LENGTH = 63;
    private static final int MAX_PORT = 65535;

    /** The RFC 3986 pieces of an absolute URL; port is null without a ":" and empty after a bare one. */
    private record Parts(String scheme, String host, String port, String path, String query) {
    }

    private CanonicalUrl() {
    }

    /**
     * Returns the canonical form of {@code url}.
     *
     * @throws InvalidUrlException if {@code url} is not an absolute http or https URL
     */
    public static String canonicalize(String url) {
        String input = trimAsciiWhitespace(url == null ? "" : url);
        if (input.isEmpty()) {
            throw new InvalidUrlException("url is empty");
        }
        if (exceedsUtf8Bytes(input, MAX_LENGTH)) {
            throw new InvalidUrlException("url is longer than " + MAX_LENGTH + " bytes");
        }
        rejectControlCharacters(input);

        Parts parts = split(input);
        String scheme = parts.scheme();
        String host = canonicalHost(parts.host());
        int port = parsePort(parts.port());

        StringBuilder out = new StringBuilder(input.length() + 16);
        out.append(scheme).append("://").append(host);
        if (port >= 0 && port != defaultPort(scheme)) {
            out.append(':').append(port);
        }
        out.append(canonicalPath(parts.path()));
        String query = canonicalQuery(parts.query());
        if (!query.isEmpty()) {
            out.append('?').append(query);
        }
        return out.toString();
    }

    // ---------------------------------------------------------------- input checks

    /** Only the WHATWG "ASCII whitespace" set, so that e.g. a stray NUL at the end is reported, not hidden. */
    private static String trimAsciiWhitespace(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isAsciiWhitespace(s.charAt(start))) {
            start++;
        }
        while (end > start && isAsciiWhitespace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean isAsciiWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    }

    /** Counts without encoding so that a multi-megabyte input is rejected without a copy of it. */
    private static boolean exceedsUtf8Bytes(String s, int limit) {
        long bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
            if (bytes > limit) {
                return true;
            }
        }
        return false;
    }

    private static void rejectControlCharacters(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c == 0x7F) {
                throw new InvalidUrlException("url contains whitespace or control characters");
            }
            // an unpaired surrogate has no UTF-8 form, so it could not be percent-encoded faithfully
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c) && i + 1 < s.length()
                        && Character.isLowSurrogate(s.charAt(i + 1));
                if (!paired) {
                    throw new InvalidUrlException("url contains malformed unicode");
                }
                i++;
            }
        }
    }

    // ---------------------------------------------------------------- splitting

    /** RFC 3986 appendix B, restricted to the absolute "scheme://authority" form. */
    private static Parts split(String s) {
        int colon = schemeEnd(s);
        String scheme = colon < 0 ? "" : s.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || !s.startsWith("//", colon + 1)) {
            throw new InvalidUrlException("url must be absolute http or https");
        }
        int authorityStart = colon + 3;
        int authorityEnd = indexOfAny(s, authorityStart, '/', '?', '#');
        int pathEnd = indexOfAny(s, authorityEnd, '?', '#', '#');
        int fragmentStart = s.indexOf('#', pathEnd);
        if (fragmentStart < 0) {
            fragmentStart = s.length();
        }
        String authority = s.substring(authorityStart, authorityEnd);
        String path = s.substring(authorityEnd, pathEnd);
        String query = pathEnd < fragmentStart && s.charAt(pathEnd) == '?'
                ? s.substring(pathEnd + 1, fragmentStart)
                : "";

        // the last '@' wins: browsers read "http://a@b@host" as userinfo "a@b"
        String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
        String host;
        String port;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw new InvalidUrlException("url has an invalid host");
            }
            host = hostPort.substring(0, close + 1);
            String rest = hostPort.substring(close + 1);
            if (!rest.isEmpty() && rest.charAt(0) != ':') {
                throw new InvalidUrlException("url has an invalid host");
            }
            port = rest.isEmpty() ? null : rest.substring(1);
        } else {
            int portColon = hostPort.lastIndexOf(':');
            host = portColon < 0 ? hostPort : hostPort.substring(0, portColon);
            port = portColon < 0 ? null : hostPort.substring(portColon + 1);
        }
        if (host.isEmpty()) {
            throw new InvalidUrlException("url has no host");
        }
        return new Parts(scheme, host, port, path, query);
    }

    /** Index of the scheme's ':' or -1; a ':' after the first '/', '?' or '#' belongs to something else. */
    private static int schemeEnd(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ':') {
                return i == 0 ? -1 : i;
            }
            boolean schemeChar = isAsciiAlpha(c)
                    || (i > 0 && (isAsciiDigit(c) || c == '+' || c == '-' || c == '.'));
            if (!schemeChar) {
                return -1;
            }
        }
        return -1;
    }

    /** Where the first of up to three characters is, else the length; on every lookup, so no search of a string per character. */
    private static int indexOfAny(String s, int from, char a, char b, char c) {
        for (int i = from; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == a || ch == b || ch == c) {
                return i;
            }
        }
        return s.length();
    }

    // ---------------------------------------------------------------- host

    private static String canonicalHost(String rawHost) {
        if (rawHost.startsWith("[")) {
            return canonicalIpv6(rawHost);
        }
        String ascii;
        if (isLdhOrDot(rawHost)) {
            // IDN maps such a host to itself, and the checks below reject what it would refuse
            ascii = rawHost.toLowerCase(Locale.ROOT);
        } else {
            String decoded = percentDecodeHost(rawHost);
            try {
                // IDN also folds full-width letters and ideographic full stops, so it runs before any checks
                ascii = IDN.toASCII(decoded).toLowerCase(Locale.ROOT);
            } catch (IllegalArgumentException e) {
                throw new InvalidUrlException("url has an invalid host");
            }
        }
        if (ascii.endsWith(".")) {
            ascii = ascii.substring(0, ascii.length() - 1);
        }
        if (!isDnsLikeName(ascii)) {
            throw new InvalidUrlException("url has an invalid host");
        }
        // repeated so that the result is a fixed point: "www.www.x.com" would otherwise need two passes
        while (ascii.startsWith("www.") && ascii.length() > "www.".length()) {
            ascii = ascii.substring("www.".length());
        }
        if (looksLikeIpv4(ascii) && !isValidIpv4(ascii)) {
            throw new InvalidUrlException("url has an invalid host");
        }
        return ascii;
    }

    /** Bytes of the whole host are collected first, so that a multi-byte character may be split across escapes. */
    private static String percentDecodeHost(String host) {
        if (host.indexOf('%') < 0) {
            return host;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(host.length());
        for (int i = 0; i < host.length(); ) {
            char c = host.charAt(i);
            if (c == '%') {
                if (!isHexTriplet(host, i)) {
                    throw new InvalidUrlException("url has an invalid host");
                }
                bytes.write(hexValue(host.charAt(i + 1)) * 16 + hexValue(host.charAt(i + 2)));
                i += 3;
            } else {
                int cp = host.codePointAt(i);
                bytes.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(cp);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidUrlException("url has an invalid host");
        }
    }

    private static boolean isLdhOrDot(String host) {
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (!(isAsciiAlpha(c) || isAsciiDigit(c) || c == '-' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    /** Labels of letters, digits and hyphens, each 1 to 63 characters, between single dots. */
    private static boolean isDnsLikeName(String host) {
        if (host.isEmpty() || !isLdhOrDot(host)) {
            return false;
        }
        int labelStart = 0;
        for (int i = 0; i <= host.length(); i++) {
            if (i == host.length() || host.charAt(i) == '.') {
                int length = i - labelStart;
                if (length == 0 || length > MAX_LABEL_LENGTH) {
                    return false;
                }
                labelStart = i + 1;
            }
        }
        return true;
    }

    /** Four all-digit labels cannot be a DNS name (no numeric TLDs), so they must be a real IPv4 address. */
    private static boolean looksLikeIpv4(String host) {
        if (host.isEmpty() || !isAsciiDigit(host.charAt(host.length() - 1))) {
            return false;
        }
        String[] labels = host.split("\\.", -1);
        if (labels.length != 4) {
            return false;
        }
        for (String label : labels) {
            if (!isAllDigits(label)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isValidIpv4(String s) {
        String[] octets = s.split("\\.", -1);
        if (octets.length != 4) {
            return false;
        }
        for (String octet : octets) {
            if (octet.isEmpty() || octet.length() > 3 || !isAllDigits(octet) || Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return true;
    }

    /** Kept as written apart from case: compressing zeros would be a second spelling rule to keep in sync. */
    private static String canonicalIpv6(String bracketed) {
        String address = bracketed.substring(1, bracketed.length() - 1).toLowerCase(Locale.ROOT);
        if (!isValidIpv6(address)) {
            throw new InvalidUrlException("url has an invalid host");
        }
        return "[" + address + "]";
    }

    private static boolean isValidIpv6(String s) {
        int gap = s.indexOf("::");
        if (gap < 0) {
            return countIpv6Groups(s, true) == 8;
        }
        if (s.indexOf("::", gap + 1) >= 0) {
            return false;
        }
        String head = s.substring(0, gap);
        String tail = s.substring(gap + 2);
        int headGroups = countIpv6Groups(head, false);
        int tailGroups = countIpv6Groups(tail, true);
        return headGroups >= 0 && tailGroups >= 0 && headGroups + tailGroups <= 7;
    }

    /** Number of 16-bit groups in a ':'-separated run, or -1 if malformed; an IPv4 tail counts as two. */
    private static int countIpv6Groups(String run, boolean ipv4TailAllowed) {
        if (run.isEmpty()) {
            return 0;
        }
        String[] pieces = run.split(":", -1);
        int groups = 0;
        for (int i = 0; i < pieces.length; i++) {
            String piece = pieces[i];
            boolean last = i == pieces.length - 1;
            if (last && ipv4TailAllowed && piece.indexOf('.') >= 0) {
                if (!isValidIpv4(piece)) {
                    return -1;
                }
                groups += 2;
            } else if (isH16(piece)) {
                groups += 1;
            } else {
                return -1;
            }
        }
        return groups;
    }

    private static boolean isH16(String piece) {
        if (piece.isEmpty() || piece.length() > 4) {
            return false;
        }
        for (int i = 0; i < piece.length(); i++) {
            if (hexValue(piece.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- port

    /** Returns -1 for an absent or empty port. */
    private static int parsePort(String port) {
        if (port == null || port.isEmpty()) {
            return -1;
        }
        if (!isAllDigits(port)) {
            throw new InvalidUrlException("url has an invalid port");
        }
        String significant = stripLeadingZeros(port);
        if (significant.length() > 5 || Integer.parseInt(significant) > MAX_PORT) {
            throw new InvalidUrlException("url has an invalid port");
        }
        return Integer.parseInt(significant);
    }

    private static String stripLeadingZeros(String digits) {
        int i = 0;
        while (i < digits.length() - 1 && digits.charAt(i) == '0') {
            i++;
        }
        return digits.substring(i);
    }

    private static int defaultPort(String scheme) {
        return scheme.equals("https") ? 443 : 80;
    }

    // ---------------------------------------------------------------- path and query

    private static String canonicalPath(String rawPath) {
        // decoding first lets "%2E%2E" count as a dot segment, as browsers treat it
        String path = removeDotSegments(normalizeEscapes(rawPath, "/"));
        return path.isEmpty() ? "/" : path;
    }

    private static String canonicalQuery(String rawQuery) {
        if (rawQuery.isEmpty()) {
            return rawQuery;
        }
        List<String> kept = new ArrayList<>();
        for (String parameter : rawQuery.split("&", -1)) {
            if (parameter.isEmpty()) {
                continue;
            }
            String normalized = normalizeEscapes(parameter, "/?");
            if (!isTrackingParameter(normalized)) {
                kept.add(normalized);
            }
        }
        return String.join("&", kept);
    }

    /** Tracking parameters vary per share of the same link, so keeping them would split its counts. */
    private static boolean isTrackingParameter(String normalizedParameter) {
        int equals = normalizedParameter.indexOf('=');
        String rawName = equals < 0 ? normalizedParameter : normalizedParameter.substring(0, equals);
        String name = percentDecodeLenient(rawName);
        return name.startsWith("utm_") || name.equals("fbclid") || name.equals("gclid");
    }

    /** Input is already normalised, so every '%' starts a valid triplet. */
    private static String percentDecodeLenient(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); ) {
            if (isHexTriplet(s, i)) {
                bytes.write(hexValue(s.charAt(i + 1)) * 16 + hexValue(s.charAt(i + 2)));
                i += 3;
            } else {
                bytes.write(s.charAt(i));
                i++;
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /**
     * Brings every character to the one spelling RFC 3986 allows: unreserved escapes decoded, other
     * escapes upper-cased, a stray '%' escaped, and anything not permitted in the component encoded.
     * {@code extraAllowed} adds the component's own delimiters to pchar.
     */
    private static String normalizeEscapes(String s, String extraAllowed) {
        if (isAlreadyNormal(s, extraAllowed)) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); ) {
            char c = s.charAt(i);
            if (c == '%') {
                if (isHexTriplet(s, i)) {
                    char decoded = (char) (hexValue(s.charAt(i + 1)) * 16 + hexValue(s.charAt(i + 2)));
                    if (isUnreserved(decoded)) {
                        out.append(decoded);
                    } else {
                        appendEscaped(out, decoded);
                    }
                    i += 3;
                } else {
                    out.append("%25");
                    i++;
                }
            } else if (isPchar(c) || extraAllowed.indexOf(c) >= 0) {
                out.append(c);
                i++;
            } else {
                int cp = s.codePointAt(i);
                for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                    appendEscaped(out, b & 0xFF);
                }
                i += Character.charCount(cp);
            }
        }
        return out.toString();
    }

    private static boolean isAlreadyNormal(String s, String extraAllowed) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' || !(isPchar(c) || extraAllowed.indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }

    /** RFC 3986 section 5.2.4, walking an index rather than re-slicing the remaining input. */
    private static String removeDotSegments(String path) {
        if (!path.startsWith(".") && !path.contains("/.")) {
            return path;
        }
        StringBuilder out = new StringBuilder(path.length());
        int i = 0;
        int n = path.length();
        while (i < n) {
            if (path.startsWith("../", i)) {
                i += 3;
            } else if (path.startsWith("./", i)) {
                i += 2;
            } else if (path.startsWith("/./", i)) {
                i += 2;
            } else if (isRemainder(path, i, "/.")) {
                out.append('/');
                i = n;
            } else if (path.startsWith("/../", i)) {
                i += 3;
                dropLastSegment(out);
            } else if (isRemainder(path, i, "/..")) {
                dropLastSegment(out);
                out.append('/');
                i = n;
            } else if (isRemainder(path, i, ".") || isRemainder(path, i, "..")) {
                i = n;
            } else {
                int next = path.indexOf('/', path.charAt(i) == '/' ? i + 1 : i);
                int end = next < 0 ? n : next;
                out.append(path, i, end);
                i = end;
            }
        }
        return out.toString();
    }

    private static boolean isRemainder(String s, int from, String rest) {
        return s.length() - from == rest.length() && s.startsWith(rest, from);
    }

    private static void dropLastSegment(StringBuilder out) {
        out.setLength(Math.max(out.lastIndexOf("/"), 0));
    }

    // ---------------------------------------------------------------- character classes

    private static boolean isUnreserved(char c) {
        return isAsciiAlpha(c) || isAsciiDigit(c) || c == '-' || c == '.' || c == '_' || c == '~';
    }

    private static boolean isPchar(char c) {
        return isUnreserved(c) || "!$&'()*+,;=".indexOf(c) >= 0 || c == ':' || c == '@';
    }

    private static boolean isAsciiAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isAllDigits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isAsciiDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isHexTriplet(String s, int percentAt) {
        return percentAt + 2 < s.length()
                && s.charAt(percentAt) == '%'
                && hexValue(s.charAt(percentAt + 1)) >= 0
                && hexValue(s.charAt(percentAt + 2)) >= 0;
    }

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static void appendEscaped(StringBuilder out, int b) {
        out.append('%').append(HEX.charAt(b >> 4)).append(HEX.charAt(b & 0xF));
    }
}
