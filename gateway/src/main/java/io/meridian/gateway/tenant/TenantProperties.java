package io.meridian.gateway.tenant;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Who may call the gateway and what each caller may spend.
 *
 * @param anonymous        whether a request without an API key is served (as the tenant
 *                         {@code anonymous}, with {@code anonymousLimits}); off, it gets 401
 * @param anonymousLimits  the limits of requests without a key
 * @param tenants          the tenants and their keys
 * @param global           caps on the whole deployment's token use, across every tenant
 * @param redisUrl         Redis shared by the gateways, so that limits hold across replicas; empty:
 *                         each gateway counts alone (also while Redis is unreachable)
 */
@Validated
@ConfigurationProperties("meridian.auth")
public record TenantProperties(
        @DefaultValue("true") boolean anonymous,
        @DefaultValue @NotNull @Valid Limits anonymousLimits,
        @DefaultValue @NotNull List<@Valid TenantSpec> tenants,
        @DefaultValue @NotNull @Valid Limits global,
        @DefaultValue("") String redisUrl) {

    /**
     * One tenant.
     *
     * @param id          its name, in logs, metrics and Redis keys
     * @param keysSha256  SHA-256 (hex) of each valid API key; a key is revoked by removing its hash
     * @param revokedKeysSha256 hashes of keys that were revoked, so that their holders are told so
     * @param limits      what it may spend
     * @param zone        the residency zone all its requests are confined to, or {@code null}
     * @param models      the models it may use; empty: any
     */
    public record TenantSpec(
            @NotNull @Pattern(regexp = "[a-z0-9][a-z0-9-]{0,62}", message = "must be 1 to 63 of a-z, 0-9 and -") String id,
            @DefaultValue @NotNull List<@Pattern(regexp = "[0-9a-f]{64}", message = "must be a SHA-256 in lowercase hex") String> keysSha256,
            @DefaultValue @NotNull List<@Pattern(regexp = "[0-9a-f]{64}", message = "must be a SHA-256 in lowercase hex") String> revokedKeysSha256,
            @DefaultValue @NotNull @Valid Limits limits,
            @Nullable String zone,
            @DefaultValue @NotNull List<String> models) {
    }

    /**
     * Limits; each is off when not set.
     *
     * @param requestsPerMinute requests in one UTC minute
     * @param tokensPerMinute   model tokens (prompt + completion) in one UTC minute
     * @param tokensPerDay      model tokens in one UTC day
     * @param tokensPerMonth    model tokens in one UTC calendar month
     */
    public record Limits(
            @Nullable @Positive Long requestsPerMinute,
            @Nullable @Positive Long tokensPerMinute,
            @Nullable @Positive Long tokensPerDay,
            @Nullable @Positive Long tokensPerMonth) {

        /** Whether any limit is set. */
        public boolean any() {
            return requestsPerMinute != null || tokensPerMinute != null || tokensPerDay != null || tokensPerMonth != null;
        }
    }
}
