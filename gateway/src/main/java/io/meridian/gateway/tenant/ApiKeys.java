package io.meridian.gateway.tenant;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;

/**
 * Where a client's API key travels ({@code Authorization: Bearer <key>} or {@code X-API-Key}) and
 * how it is stored: only its SHA-256, in lowercase hex. The key itself is never kept, logged,
 * forwarded to a region or written to Redis.
 */
public final class ApiKeys {

    /** The alternative header for clients that cannot send {@code Authorization}. */
    public static final String HEADER = "X-API-Key";

    private ApiKeys() {
    }

    /** The key a request carries, or {@code null}. */
    public static @Nullable String of(HttpHeaders headers) {
        String authorization = headers.getFirst(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7) && authorization.length() > 7) {
            String key = authorization.substring(7).strip();
            return key.isEmpty() ? null : key;
        }
        String key = headers.getFirst(HEADER);
        return key == null || key.isBlank() ? null : key.strip();
    }

    /** How many credential headers ({@code Authorization}, {@value #HEADER}) a request carries. */
    public static int count(HttpHeaders headers) {
        List<String> authorization = headers.get(HttpHeaders.AUTHORIZATION);
        List<String> apiKey = headers.get(HEADER);
        return (authorization == null ? 0 : authorization.size()) + (apiKey == null ? 0 : apiKey.size());
    }

    /** Hex digits of a key's hash that name the key in usage figures and metrics. */
    public static final int ID_LENGTH = 12;

    /**
     * The id of the key whose SHA-256 is {@code sha256}: its first {@value #ID_LENGTH} hex digits,
     * which its owner can compute ({@code printf %s "$KEY" | sha256sum | cut -c1-12}) and which
     * reveal nothing usable about the key.
     */
    public static String id(String sha256) {
        return sha256.substring(0, ID_LENGTH);
    }

    /** SHA-256 of {@code key}, 64 lowercase hex digits: what configuration and Redis hold. */
    public static String sha256(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
