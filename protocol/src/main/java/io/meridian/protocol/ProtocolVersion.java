package io.meridian.protocol;

import java.util.Optional;

/**
 * A version of the gateway-to-region API, {@code <major>.<minor>}.
 *
 * <p>Compatibility rule: two nodes can work together when their major versions are equal. Minor
 * versions only add (a header, a detail, an endpoint) that the other side may ignore, so they never
 * make two nodes incompatible. The gateway names its version in {@link MeridianHeaders#PROTOCOL} on
 * every request it forwards, and a task server names its own in the readiness detail
 * {@link ReadinessDetails#PROTOCOL_VERSION}; both sides read either with {@link #parse}.
 *
 * @param major changes when a node of the previous major could misread the other: 0 to 9999
 * @param minor additions only: 0 to 9999
 */
public record ProtocolVersion(int major, int minor) {

    /** The version this build speaks. */
    public static final ProtocolVersion CURRENT = new ProtocolVersion(1, 0);

    /** The most digits in either part; longer is not a version but noise. */
    static final int MAX_DIGITS = 4;

    /**
     * Checks both parts.
     *
     * @throws IllegalArgumentException if a part is outside 0 to 9999
     */
    public ProtocolVersion {
        if (major < 0 || major > 9999 || minor < 0 || minor > 9999) {
            throw new IllegalArgumentException("protocol version parts must be within [0, 9999], but were "
                    + major + "." + minor);
        }
    }

    /**
     * Reads {@code <major>} or {@code <major>.<minor>}, each part 1 to 4 ASCII digits, with blanks
     * around the whole stripped; a missing minor is 0. Anything else ({@code 1.x}, {@code 1.0.0},
     * {@code -1}, {@code +1}, {@code 99999}, the empty string) is not a version.
     *
     * @param text the header value or readiness detail
     * @return the version, or empty when {@code text} is not of that form
     */
    public static Optional<ProtocolVersion> parse(CharSequence text) {
        String value = text.toString().strip();
        int dot = value.indexOf('.');
        String majorText = dot < 0 ? value : value.substring(0, dot);
        String minorText = dot < 0 ? "0" : value.substring(dot + 1);
        if (!digits(majorText) || !digits(minorText)) {
            return Optional.empty();
        }
        return Optional.of(new ProtocolVersion(Integer.parseInt(majorText), Integer.parseInt(minorText)));
    }

    private static boolean digits(String text) {
        if (text.isEmpty() || text.length() > MAX_DIGITS) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a node speaking this version can work with one speaking {@code other}.
     *
     * @param other the other node's version
     * @return {@code true} when the major versions are equal
     */
    public boolean compatibleWith(ProtocolVersion other) {
        return major == other.major;
    }

    /**
     * The version as sent.
     *
     * @return {@code <major>.<minor>}
     */
    @Override
    public String toString() {
        return major + "." + minor;
    }
}
