package io.meridian.path;

import io.meridian.path.RejectedPathException.Reason;
import java.util.ArrayList;
import java.util.List;

/**
 * The canonical form of a request path, by one rule, so that everything that reads a path (the
 * route, the key check, the limits, routing, the actuator's admin check, the server that finally
 * answers) reads the same one.
 *
 * <p>Design note. A path can be spelled many ways that a router decodes to the same thing:
 * {@code /%70rocess}, {@code /process;x=1}, {@code /v1//tasks}, {@code /v1/x/../tasks}. When one
 * component compares the spelling and another the decoded form, a request can match a route yet
 * skip a check written against the plain path. So the path is settled once, before anything
 * else looks at it, by RFC 3986 normalisation (§6.2.2):
 * <ol>
 * <li>percent-encoded unreserved characters ({@code A-Z a-z 0-9 - . _ ~}) are decoded; every other
 *     percent-encoding is kept, its hex digits in upper case;</li>
 * <li>dot segments are removed (§5.2.4) after that decoding, so {@code %2e%2e} is a {@code ..};</li>
 * <li>empty segments (duplicate slashes) are dropped; a trailing slash is kept.</li>
 * </ol>
 * What has no one reading everywhere is refused instead of guessed: a {@code ;} (path parameters,
 * which servers strip or keep differently), an encoded {@code /}, a {@code \} (some servers treat it
 * as {@code /}), NUL and other control characters, a {@code ..} above the root, malformed
 * percent-encoding, and characters RFC 3986 does not allow in a path as written.
 *
 * <p>The result is still an encoded path (what follows {@code %} is not a delimiter), ready to be
 * sent on as it is. Canonicalising it again gives the same string.
 *
 * <p>Security note: this is the gateway's only defence against path spellings that would let a
 * request past its key check, limits and admin check. Anything that compares paths must compare
 * the canonical one; a component that reads the raw request-target from the connection instead
 * sees what the client wrote, not what was checked.
 *
 * <p>Performance note: it runs on every request. A path that is already canonical (the common
 * case) is recognised in one scan without allocating and returned as the same instance; only a
 * path that changes or is refused takes the slower rewrite.
 */
public final class CanonicalPath {

    /** Characters allowed unencoded in a path besides {@code %}: RFC 3986 pchar and {@code /}, without {@code ;}. */
    private static final boolean[] PLAIN = new boolean[128];

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    static {
        for (char c = 'a'; c <= 'z'; c++) {
            PLAIN[c] = true;
            PLAIN[Character.toUpperCase(c)] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            PLAIN[c] = true;
        }
        for (char c : "-._~!$&'()*+,=:@/".toCharArray()) {
            PLAIN[c] = true;
        }
    }

    private CanonicalPath() {
    }

    /**
     * The canonical form of {@code rawPath}.
     *
     * @param rawPath the path as received, still percent-encoded, without the query
     * @return the canonical path, starting with {@code /}; {@code rawPath} itself when it is
     *         already canonical
     * @throws RejectedPathException when the path cannot be given one meaning; its message says why
     */
    public static String of(String rawPath) {
        int length = rawPath.length();
        if (length == 0) {
            return "/";
        }
        if (rawPath.charAt(0) != '/') {
            throw new RejectedPathException(Reason.NOT_ABSOLUTE, 0, "the path must start with '/'");
        }
        return isCanonical(rawPath) ? rawPath : rewrite(rawPath);
    }

    /** Whether the path needs no change: plain characters only, no empty or dot segment. */
    private static boolean isCanonical(String path) {
        int length = path.length();
        for (int i = 1; i < length; i++) {
            char c = path.charAt(i);
            if (c >= 128 || !PLAIN[c]) {
                return false;
            }
            if (path.charAt(i - 1) == '/') {
                if (c == '/') {
                    return false;
                }
                if (c == '.' && dotSegmentAt(path, i)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Whether the segment starting at {@code start} is {@code .} or {@code ..}. */
    private static boolean dotSegmentAt(String path, int start) {
        int end = path.indexOf('/', start);
        int segment = (end < 0 ? path.length() : end) - start;
        return segment == 1 || (segment == 2 && path.charAt(start + 1) == '.');
    }

    private static String rewrite(String raw) {
        int length = raw.length();
        List<String> segments = new ArrayList<>();
        StringBuilder segment = new StringBuilder(length);
        boolean endsAsDirectory = false;
        int start = 1;
        for (int i = 1; i <= length; i++) {
            if (i == length || raw.charAt(i) == '/') {
                endsAsDirectory = close(segment.toString(), segments, start);
                segment.setLength(0);
                start = i + 1;
                continue;
            }
            char c = raw.charAt(i);
            if (c == '%') {
                int value = percentEncoded(raw, i);
                check(value, i, true);
                if (unreserved(value)) {
                    segment.append((char) value);
                } else {
                    segment.append('%').append(HEX[value >> 4]).append(HEX[value & 0xF]);
                }
                i += 2;
            } else {
                check(c, i, false);
                segment.append(c);
            }
        }
        StringBuilder out = new StringBuilder(length);
        for (String kept : segments) {
            out.append('/').append(kept);
        }
        if (segments.isEmpty() || endsAsDirectory) {
            out.append('/');
        }
        return out.toString();
    }

    /**
     * Adds a finished segment to {@code segments}, applying dot-segment removal.
     *
     * @return whether the path, if it ended here, would end with a slash
     */
    private static boolean close(String segment, List<String> segments, int start) {
        switch (segment) {
            case "" -> {
                return true;
            }
            case "." -> {
                return true;
            }
            case ".." -> {
                if (segments.isEmpty()) {
                    throw new RejectedPathException(Reason.ABOVE_ROOT, start,
                            "the '..' segment at index " + start + " climbs above the root");
                }
                segments.removeLast();
                return true;
            }
            default -> {
                segments.add(segment);
                return false;
            }
        }
    }

    /** The byte a {@code %HH} at {@code i} stands for. */
    private static int percentEncoded(String raw, int i) {
        int high = i + 1 < raw.length() ? hex(raw.charAt(i + 1)) : -1;
        int low = i + 2 < raw.length() ? hex(raw.charAt(i + 2)) : -1;
        if (high < 0 || low < 0) {
            throw new RejectedPathException(Reason.MALFORMED_PERCENT_ENCODING, i,
                    "the '%' at index " + i + " is not followed by two hexadecimal digits");
        }
        return high << 4 | low;
    }

    /** Refuses a character, written ({@code encoded == false}) or percent-encoded, that has no one meaning. */
    private static void check(int c, int i, boolean encoded) {
        String as = encoded ? "encoded " : "";
        if (c == ';') {
            throw new RejectedPathException(Reason.PATH_PARAMETER, i,
                    "path parameters are not accepted: " + as + "';' at index " + i);
        }
        if (c == '/' && encoded) {
            throw new RejectedPathException(Reason.ENCODED_SLASH, i, "an encoded '/' (%2F) at index " + i
                    + " is not accepted: it would be one segment to some servers and two to others");
        }
        if (c == '\\') {
            throw new RejectedPathException(Reason.BACKSLASH, i, (encoded ? "an encoded" : "a") + " '\\' at index " + i
                    + " is not accepted: some servers read it as '/'");
        }
        if (c < 0x20 || c == 0x7F) {
            throw new RejectedPathException(Reason.CONTROL_CHARACTER, i,
                    String.format("%s control character (U+%04X) at index %d is not accepted",
                            encoded ? "an encoded" : "a", c, i));
        }
        if (!encoded && (c >= 128 || !PLAIN[c])) {
            throw new RejectedPathException(Reason.ILLEGAL_CHARACTER, i, String.format(
                    "the character U+%04X at index %d is not allowed in a path unless percent-encoded", c, i));
        }
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1;
    }

    private static boolean unreserved(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }
}
