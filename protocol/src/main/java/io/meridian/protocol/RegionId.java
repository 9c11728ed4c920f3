package io.meridian.protocol;

/**
 * The one rule for a region id ({@code us-east}, {@code eu-central}, {@code ap-southeast-2}): a
 * lowercase ASCII letter, then up to 62 lowercase letters, digits or {@code -}; 63 characters at
 * most, so an id fits a DNS label.
 *
 * <p>The region configuration, the gateway and the task server all check ids with it. A task id
 * starts with its region's id, and the gateway routes {@code /v1/tasks/{id}} by that prefix: a
 * task server that started under an id the gateway cannot read back would create tasks no client
 * could ever reach again through the gateway, so a task server refuses such an id at start-up.
 */
public final class RegionId {

    /** The rule as a regular expression, for bean validation and documentation. */
    public static final String PATTERN = "[a-z][a-z0-9-]{0,62}";

    /** The longest id. */
    public static final int MAX_LENGTH = 63;

    /** The rule in words, for error messages. */
    public static final String RULE = "a lowercase letter, then up to 62 lowercase letters, digits or '-'";

    private RegionId() {
    }

    /**
     * Whether {@code text} is a region id. Checked by hand rather than by regular expression: every
     * task id read from a queue is checked.
     *
     * @param text any text
     * @return {@code true} when it matches {@value #PATTERN}
     */
    public static boolean isValid(CharSequence text) {
        int length = text.length();
        if (length == 0 || length > MAX_LENGTH || text.charAt(0) < 'a' || text.charAt(0) > 'z') {
            return false;
        }
        for (int i = 1; i < length; i++) {
            char c = text.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
                return false;
            }
        }
        return true;
    }
}
