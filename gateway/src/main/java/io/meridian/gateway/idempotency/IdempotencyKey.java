package io.meridian.gateway.idempotency;

import io.meridian.gateway.tenant.Tenant;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * A client's idempotency key within its tenant, as the gateways record it: the SHA-256 of the
 * scope and the key, never the key itself.
 *
 * <p>The scope is the tenant the tenant filter found for the request; a request it did not set a
 * tenant for (no API key, or a path it does not guard) is in the anonymous scope,
 * {@value Tenant#ANONYMOUS_ID}, as the regions count it: every client without an API key shares
 * that one key space, so two such clients that pick the same key share its owner region (and, in
 * the region, its task), as they already did within one region.
 *
 * <p>Security note: keys are chosen by clients and may carry what a client should not have put in
 * them; hashed, they reach neither Redis nor a log line. The hash is not a secret: it only names
 * the key.
 *
 * @param hash the SHA-256 of scope and key, 64 lowercase hex digits
 */
public record IdempotencyKey(String hash) {

    /** The key {@code key} of {@code tenant} ({@code null}: the anonymous scope). */
    public static IdempotencyKey of(@Nullable String tenant, String key) {
        String scope = tenant == null ? Tenant.ANONYMOUS_ID : tenant;
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(scope.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0); // no tenant id holds a NUL, so scope and key cannot run into each other
            digest.update(key.getBytes(StandardCharsets.UTF_8));
            return new IdempotencyKey(HexFormat.of().formatHex(digest.digest()));
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** The first 12 hex digits, enough to find the key in logs. */
    public String shortHash() {
        return hash.substring(0, 12);
    }

    @Override
    public String toString() {
        return shortHash();
    }
}
