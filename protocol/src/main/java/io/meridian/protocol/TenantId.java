package io.meridian.protocol;

/**
 * The one rule for a tenant's id, as the gateway's {@code meridian.auth.tenants[].id} allows it and
 * as a task server reads it from {@link MeridianHeaders#TENANT}: 1 to 63 of {@code a-z},
 * {@code 0-9} and {@code -}, starting with a letter or digit.
 */
public final class TenantId {

    /** The rule as a regular expression, for bean validation and documentation. */
    public static final String PATTERN = "[a-z0-9][a-z0-9-]{0,62}";

    /** The rule in words, for error messages. */
    public static final String RULE = "1 to 63 of a-z, 0-9 and -, starting with a letter or digit";

    /** The tenant of requests without an API key, and of requests that name none. */
    public static final String ANONYMOUS = "anonymous";

    /** The longest id. */
    public static final int MAX_LENGTH = 63;

    private TenantId() {
    }

    /**
     * Whether {@code text} is a tenant id.
     *
     * @param text any text
     * @return {@code true} when it matches {@value #PATTERN}
     */
    public static boolean isValid(CharSequence text) {
        int length = text.length();
        if (length == 0 || length > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' && i > 0)) {
                return false;
            }
        }
        return true;
    }
}
