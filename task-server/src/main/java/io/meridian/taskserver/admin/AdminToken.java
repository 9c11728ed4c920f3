package io.meridian.taskserver.admin;

import io.meridian.taskserver.web.ApiError;
import io.meridian.taskserver.web.ApiException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Checks the admin bearer token against the configured SHA-256 hash.
 *
 * <p>Security note: only the hash is configured, and the presented token is hashed and compared
 * with {@link MessageDigest#isEqual}, which takes the same time wherever the first differing byte
 * is, so response times do not leak how much of a guess was right. The token is never logged.
 * With no hash configured every call is refused: an admin API must not be open by default.
 */
public final class AdminToken {

    private static final String BEARER = "Bearer ";

    private final byte @Nullable [] expected;

    /**
     * A checker for one hash.
     *
     * @param tokenSha256 64 hex digits, or {@code null}/blank when no admin token is configured
     * @throws IllegalArgumentException when the hash is not 64 hex digits
     */
    public AdminToken(@Nullable String tokenSha256) {
        if (tokenSha256 == null || tokenSha256.isBlank()) {
            this.expected = null;
            return;
        }
        String hex = tokenSha256.strip().toLowerCase(Locale.ROOT);
        if (!hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException(AdminProperties.PREFIX
                    + ".token-sha256 must be the SHA-256 of the token as 64 hex digits, but was "
                    + tokenSha256.length() + " characters long");
        }
        this.expected = HexFormat.of().parseHex(hex);
    }

    /**
     * Lets the call through or refuses it.
     *
     * @param authorization the request's {@code Authorization} header
     * @throws ApiException 401 {@code unauthorized} when the token is missing or wrong, or no
     *                      token is configured
     */
    public void check(@Nullable String authorization) {
        if (expected == null) {
            throw unauthorized("no admin token is configured on this server (" + AdminProperties.PREFIX
                    + ".token-sha256)");
        }
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw unauthorized("an admin bearer token is required (Authorization: Bearer <token>)");
        }
        byte[] presented = sha256(authorization.substring(BEARER.length()).strip());
        if (!MessageDigest.isEqual(expected, presented)) {
            throw unauthorized("the admin token is not valid");
        }
    }

    /**
     * Whether a request carries the admin token, without refusing it if not: for the task API,
     * where the admin token widens what a caller sees (every tenant's tasks) and its absence
     * leaves the caller with its own tenant's.
     *
     * @param authorization the request's {@code Authorization} header
     * @return {@code true} only if a token is configured and the header carries it
     */
    public boolean accepts(@Nullable String authorization) {
        if (expected == null || authorization == null
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        return MessageDigest.isEqual(expected, sha256(authorization.substring(BEARER.length()).strip()));
    }

    /**
     * The hash to configure for a token.
     *
     * @param token the token
     * @return its SHA-256 as 64 lower-case hex digits
     */
    public static String hash(String token) {
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

    private static ApiException unauthorized(String message) {
        return new ApiException(ApiError.UNAUTHORIZED, 401, message, "Authorization", null);
    }
}
