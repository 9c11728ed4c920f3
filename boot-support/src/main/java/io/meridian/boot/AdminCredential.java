package io.meridian.boot;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The admin bearer token, checked against the SHA-256 hash configured in {@value #PROPERTY} (the
 * same hash on the gateway and on the task servers).
 *
 * <p>Security note: only the hash is configured, and the presented token is hashed and compared
 * with {@link MessageDigest#isEqual}, whose time does not depend on where the first differing byte
 * is, so response times do not leak how much of a guess was right. The token is never logged.
 * With no hash configured every call is refused: an admin API must not be open by default.
 */
public final class AdminCredential {

    /** The property that holds the hash. */
    public static final String PROPERTY = AdminProperties.PREFIX + ".token-sha256";

    private static final String BEARER = "Bearer ";

    private final byte @Nullable [] expected;

    /**
     * A credential for one hash.
     *
     * @param tokenSha256 64 hex digits, or {@code null}/blank when no admin token is configured
     * @throws IllegalArgumentException when the hash is not 64 hex digits
     */
    public AdminCredential(@Nullable String tokenSha256) {
        this.expected = parse(tokenSha256);
    }

    static byte @Nullable [] parse(@Nullable String tokenSha256) {
        if (tokenSha256 == null || tokenSha256.isBlank()) {
            return null;
        }
        String hex = tokenSha256.strip().toLowerCase(Locale.ROOT);
        if (!hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException(PROPERTY + " must be the SHA-256 of the admin token as 64 hex digits, "
                    + "but was " + tokenSha256.length() + " characters long");
        }
        return HexFormat.of().parseHex(hex);
    }

    /**
     * Why a call is refused, or {@code null} when the header carries the admin token.
     *
     * @param authorization the request's {@code Authorization} header
     * @return what a client is told (never the token nor the hash), or {@code null}
     */
    public @Nullable String refusal(@Nullable String authorization) {
        if (expected == null) {
            return "no admin token is configured on this server (" + PROPERTY + ")";
        }
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return "an admin bearer token is required (Authorization: Bearer <token>)";
        }
        byte[] presented = sha256(authorization.substring(BEARER.length()).strip());
        return MessageDigest.isEqual(expected, presented) ? null : "the admin token is not valid";
    }

    /**
     * Whether a request carries the admin token, for callers that widen what a request sees
     * rather than refuse it.
     *
     * @param authorization the request's {@code Authorization} header
     * @return {@code true} only if a token is configured and the header carries it
     */
    public boolean accepts(@Nullable String authorization) {
        return refusal(authorization) == null;
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
}
