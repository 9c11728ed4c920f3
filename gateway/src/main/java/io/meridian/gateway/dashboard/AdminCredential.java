package io.meridian.gateway.dashboard;

import io.meridian.gateway.GatewayConfigException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The admin bearer token of the dashboard's control actions, checked against the SHA-256 hash
 * configured in {@code meridian.admin.token-sha256} (the same hash the task servers hold).
 *
 * <p>Security note: the token itself is never configured or logged; the presented token is
 * hashed and compared with {@link MessageDigest#isEqual}, whose time does not depend on where the
 * first differing byte is. With no hash configured every control action is refused.
 */
final class AdminCredential {

    static final String PROPERTY = "meridian.admin.token-sha256";

    private static final String BEARER = "Bearer ";

    private final byte @Nullable [] expected;

    AdminCredential(@Nullable String tokenSha256) {
        if (tokenSha256 == null || tokenSha256.isBlank()) {
            this.expected = null;
            return;
        }
        String hex = tokenSha256.strip().toLowerCase(Locale.ROOT);
        if (!hex.matches("[0-9a-f]{64}")) {
            throw new GatewayConfigException(PROPERTY, "must be the SHA-256 of the admin token as 64 hex digits, but was "
                    + tokenSha256.length() + " characters long");
        }
        this.expected = HexFormat.of().parseHex(hex);
    }

    /**
     * Why the call is refused, or {@code null} when the header carries the admin token.
     *
     * @param authorization the request's {@code Authorization} header
     */
    @Nullable String refusal(@Nullable String authorization) {
        if (expected == null) {
            return "no admin token is configured on this gateway (" + PROPERTY + ")";
        }
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return "an admin bearer token is required (Authorization: Bearer <token>)";
        }
        byte[] presented = sha256(authorization.substring(BEARER.length()).strip());
        return MessageDigest.isEqual(expected, presented) ? null : "the admin token is not valid";
    }

    static String hash(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        }
        catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every Java runtime has SHA-256", impossible);
        }
    }
}
