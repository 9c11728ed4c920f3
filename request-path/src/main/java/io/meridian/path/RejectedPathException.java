package io.meridian.path;

/**
 * A request path that {@link CanonicalPath} refuses, with the {@link Reason} and a message fit to
 * show the client. Carries no stack trace: refusals are ordinary answers to bad input, and an
 * attacker sending them by the thousand must not make the server walk its stack for each.
 */
public final class RejectedPathException extends IllegalArgumentException {

    /** What was wrong with a refused path. */
    public enum Reason {
        /** The path is not empty and does not start with {@code /}. */
        NOT_ABSOLUTE,
        /** A {@code ;}, as written or encoded: path parameters are not served. */
        PATH_PARAMETER,
        /** {@code %2F}: an encoded {@code /} would be one segment here and two elsewhere. */
        ENCODED_SLASH,
        /** A {@code \}, as written or encoded: some servers read it as {@code /}. */
        BACKSLASH,
        /** NUL or another control character (U+0000 to U+001F, U+007F), as written or encoded. */
        CONTROL_CHARACTER,
        /** A character RFC 3986 does not allow in a path unencoded (space, {@code "}, non-ASCII, …). */
        ILLEGAL_CHARACTER,
        /** A {@code %} not followed by two hexadecimal digits. */
        MALFORMED_PERCENT_ENCODING,
        /** A {@code ..} segment with nothing left to remove: the path climbs above the root. */
        ABOVE_ROOT
    }

    private final Reason reason;

    private final int index;

    RejectedPathException(Reason reason, int index, String message) {
        super(message, null);
        this.reason = reason;
        this.index = index;
    }

    /**
     * What was wrong.
     *
     * @return the reason for the refusal
     */
    public Reason reason() {
        return reason;
    }

    /**
     * Where in the path as received the fault starts.
     *
     * @return a character index into the raw path
     */
    public int index() {
        return index;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
