package io.meridian.gateway.tenant;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;

/**
 * Finds the tenant of a request by the SHA-256 of its API key.
 *
 * <p>Security note: the lookup is by hash, so the configuration never holds a key, and comparing
 * hashes in a map reveals nothing usable about a key through timing (an attacker would have to
 * find SHA-256 preimages).
 */
public final class TenantDirectory {

    /** What a request's credentials amount to. */
    public sealed interface Identity {
    }

    /** A known tenant (or the anonymous one). */
    public record Known(Tenant tenant) implements Identity {
    }

    /** No key, and anonymous access is off. */
    public record Missing() implements Identity {
    }

    /** A key no tenant has. */
    public record Unknown() implements Identity {
    }

    /** A key that was revoked. */
    public record Revoked(String tenantId) implements Identity {
    }

    /**
     * More than one credential: two {@code Authorization} or {@code X-API-Key} headers, or both.
     * Refused rather than resolved, since any rule for picking one (the first, the last, the one
     * that works) would let a request carry a key it is not judged by.
     *
     * @param count how many credential headers the request carried
     */
    public record Ambiguous(int count) implements Identity {
    }

    private final Map<String, Tenant> byKeyHash;
    private final Map<String, String> revoked;
    private final @Nullable Tenant anonymous;

    public TenantDirectory(TenantProperties properties) {
        Map<String, Tenant> keys = new HashMap<>();
        Map<String, String> revokedKeys = new HashMap<>();
        for (TenantProperties.TenantSpec spec : properties.tenants()) {
            if (Tenant.ANONYMOUS_ID.equals(spec.id())) {
                throw new IllegalArgumentException("meridian.auth.tenants: '" + Tenant.ANONYMOUS_ID
                        + "' is the name of requests without a key; give the tenant another id");
            }
            Tenant tenant = new Tenant(spec.id(), spec.limits(), spec.zone(), new LinkedHashSet<>(spec.models()));
            for (String hash : spec.keysSha256()) {
                Tenant other = keys.putIfAbsent(hash, tenant);
                if (other != null) {
                    throw new IllegalArgumentException("meridian.auth.tenants: one key hash is listed for tenants '"
                            + other.id() + "' and '" + spec.id() + "'; a key belongs to one tenant");
                }
            }
            spec.revokedKeysSha256().forEach(hash -> revokedKeys.put(hash, spec.id()));
        }
        this.byKeyHash = Map.copyOf(keys);
        this.revoked = Map.copyOf(revokedKeys);
        this.anonymous = properties.anonymous()
                ? new Tenant(Tenant.ANONYMOUS_ID, properties.anonymousLimits(), null, java.util.Set.of()) : null;
    }

    /** Who sent a request with these headers. */
    public Identity identify(HttpHeaders headers) {
        int credentials = ApiKeys.count(headers);
        if (credentials > 1) {
            return new Ambiguous(credentials);
        }
        String key = ApiKeys.of(headers);
        if (key == null) {
            return anonymous != null ? new Known(anonymous) : new Missing();
        }
        String hash = ApiKeys.sha256(key);
        Tenant tenant = byKeyHash.get(hash);
        if (tenant != null) {
            return new Known(tenant);
        }
        String revokedFrom = revoked.get(hash);
        return revokedFrom != null ? new Revoked(revokedFrom) : new Unknown();
    }

    /** Whether any tenant is configured or anonymous requests have limits: otherwise there is nothing to check. */
    public boolean active() {
        return !byKeyHash.isEmpty() || !revoked.isEmpty() || anonymous == null || anonymous.limits().any();
    }
}
