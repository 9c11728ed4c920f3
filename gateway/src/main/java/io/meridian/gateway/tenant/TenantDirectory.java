package io.meridian.gateway.tenant;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
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

    /**
     * A known tenant (or the anonymous one).
     *
     * @param tenant who it is
     * @param key    the id of the key it called with ({@link ApiKeys#id}), or {@code null} without one
     */
    public record Known(Tenant tenant, @Nullable String key) implements Identity {
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
    private final Map<String, Tenant> byId;
    private final Map<String, List<String>> keyIds;

    public TenantDirectory(TenantProperties properties) {
        Map<String, Tenant> keys = new HashMap<>();
        Map<String, String> revokedKeys = new HashMap<>();
        Map<String, Tenant> tenants = new LinkedHashMap<>();
        Map<String, List<String>> ids = new HashMap<>();
        checkSpendCaps(properties.global(), "meridian.auth.global");
        checkSpendCaps(properties.anonymousLimits(), "meridian.auth.anonymous-limits");
        for (int i = 0; i < properties.tenants().size(); i++) {
            TenantProperties.TenantSpec spec = properties.tenants().get(i);
            checkSpendCaps(spec.limits(), "meridian.auth.tenants[" + i + "].limits");
            if (Tenant.ANONYMOUS_ID.equals(spec.id())) {
                throw new IllegalArgumentException("meridian.auth.tenants: '" + Tenant.ANONYMOUS_ID
                        + "' is the name of requests without a key; give the tenant another id");
            }
            Tenant tenant = new Tenant(spec.id(), spec.limits(), spec.zone(), new LinkedHashSet<>(spec.models()),
                    spec.priority());
            if (tenants.putIfAbsent(spec.id(), tenant) != null) {
                throw new IllegalArgumentException("meridian.auth.tenants: the id '" + spec.id()
                        + "' is given to two tenants; give each its own");
            }
            ids.put(spec.id(), spec.keysSha256().stream().map(ApiKeys::id).distinct().toList());
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
        if (anonymous != null) {
            tenants.put(Tenant.ANONYMOUS_ID, anonymous);
        }
        this.byId = java.util.Collections.unmodifiableMap(tenants);
        this.keyIds = Map.copyOf(ids);
    }

    /** Spend caps with more than 6 decimals stop start-up here, naming the property. */
    private static void checkSpendCaps(TenantProperties.Limits limits, String property) {
        if (limits.spendPerMinute() != null) {
            Pricing.micros(limits.spendPerMinute(), property + ".spend-per-minute");
        }
        if (limits.spendPerDay() != null) {
            Pricing.micros(limits.spendPerDay(), property + ".spend-per-day");
        }
        if (limits.spendPerMonth() != null) {
            Pricing.micros(limits.spendPerMonth(), property + ".spend-per-month");
        }
    }

    /** Every tenant, in the order configured, the anonymous one last when anonymous access is on. */
    public java.util.Collection<Tenant> tenants() {
        return byId.values();
    }

    /** The tenant {@code id}, or {@code null}. */
    public @Nullable Tenant tenant(String id) {
        return byId.get(id);
    }

    /** The ids ({@link ApiKeys#id}) of the valid keys of tenant {@code id}; none for an unknown or the anonymous one. */
    public List<String> keyIds(String id) {
        return keyIds.getOrDefault(id, List.of());
    }

    /** Who sent a request with these headers. */
    public Identity identify(HttpHeaders headers) {
        int credentials = ApiKeys.count(headers);
        if (credentials > 1) {
            return new Ambiguous(credentials);
        }
        String key = ApiKeys.of(headers);
        if (key == null) {
            return anonymous != null ? new Known(anonymous, null) : new Missing();
        }
        String hash = ApiKeys.sha256(key);
        Tenant tenant = byKeyHash.get(hash);
        if (tenant != null) {
            return new Known(tenant, ApiKeys.id(hash));
        }
        String revokedFrom = revoked.get(hash);
        return revokedFrom != null ? new Revoked(revokedFrom) : new Unknown();
    }

    /** Whether any tenant is configured or anonymous requests have limits: otherwise there is nothing to check. */
    public boolean active() {
        return !byKeyHash.isEmpty() || !revoked.isEmpty() || anonymous == null || anonymous.limits().any();
    }
}
