package io.meridian.taskserver.admin;

import io.meridian.boot.AdminCredential;
import io.meridian.taskserver.web.ApiError;
import io.meridian.taskserver.web.ApiException;
import org.jspecify.annotations.Nullable;

/**
 * The admin bearer token as the task server's API answers it: a refusal is a 401
 * {@code unauthorized} {@link ApiException} (field {@code Authorization}). The check itself, and
 * its security note, is {@link AdminCredential}'s: only the hash is configured, the presented token
 * is compared in constant time, and with no hash configured every call is refused.
 */
public final class AdminToken {

    private final AdminCredential credential;

    /**
     * The task server's face of the credential.
     *
     * @param credential the configured admin token ({@value AdminCredential#PROPERTY})
     */
    public AdminToken(AdminCredential credential) {
        this.credential = credential;
    }

    /**
     * Lets the call through or refuses it.
     *
     * @param authorization the request's {@code Authorization} header
     * @throws ApiException 401 {@code unauthorized} when the token is missing or wrong, or no
     *                      token is configured
     */
    public void check(@Nullable String authorization) {
        String refusal = credential.refusal(authorization);
        if (refusal != null) {
            throw new ApiException(ApiError.UNAUTHORIZED, 401, refusal, "Authorization", null);
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
        return credential.accepts(authorization);
    }

    /**
     * The hash to configure for a token.
     *
     * @param token the token
     * @return its SHA-256 as 64 lower-case hex digits
     */
    public static String hash(String token) {
        return AdminCredential.hash(token);
    }
}
