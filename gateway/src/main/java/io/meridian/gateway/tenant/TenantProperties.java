package io.meridian.gateway.tenant;

import io.meridian.protocol.TenantId;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Who may call the gateway and what each caller may spend. The budgets are shared across
 * replicas through {@code meridian.redis.url}.
 *
 * @param anonymous        whether a request without an API key is served (as the tenant
 *                         {@code anonymous}, with {@code anonymousLimits}); off, it gets 401
 * @param anonymousLimits  the limits of requests without a key
 * @param tenants          the tenants and their keys
 * @param global           caps on the whole deployment's token use and spend, across every tenant
 * @param reservation      how many tokens a request holds from its tenant's budgets while it runs
 */
@Validated
@ConfigurationProperties("meridian.auth")
public record TenantProperties(
        @DefaultValue("true") boolean anonymous,
        @DefaultValue @NotNull @Valid Limits anonymousLimits,
        @DefaultValue @NotNull List<@Valid TenantSpec> tenants,
        @DefaultValue @NotNull @Valid Limits global,
        @DefaultValue @NotNull @Valid Reservation reservation) {

    /**
     * What a request reserves before it is admitted, settled to its real usage when it ends.
     *
     * @param defaultTokens tokens reserved by a request that names no {@code max_tokens} (or
     *                      {@code max_completion_tokens}) and whose model has no entry in {@code models}
     * @param models        tokens reserved by a request for a model, by the model's name (or a queue's:
     *                      {@code simple}, {@code complex}), when it names no {@code max_tokens}
     * @param ttl           how long a reservation is held at most; one that is never settled (a
     *                      gateway that stopped) is then given back. Longer than the longest stream
     * @param maxInspectedBody largest request body read for its {@code model} and {@code max_tokens};
     *                      a larger or undeclared one reserves {@code defaultTokens}
     */
    public record Reservation(
            @DefaultValue("1024") @Positive long defaultTokens,
            @DefaultValue @NotNull Map<String, @Positive Long> models,
            @DefaultValue("15m") @NotNull Duration ttl,
            @DefaultValue("256KB") @NotNull DataSize maxInspectedBody) {

        /** What a request for {@code model} (or none) reserves when it names no {@code max_tokens}. */
        public long tokensFor(@Nullable String model) {
            Long tokens = model == null ? null : models.get(model);
            return tokens != null ? tokens : defaultTokens;
        }
    }

    /**
     * One tenant.
     *
     * @param id          its name, in logs, metrics and Redis keys
     * @param keysSha256  SHA-256 (hex) of each valid API key; a key is revoked by removing its hash
     * @param revokedKeysSha256 hashes of keys that were revoked, so that their holders are told so
     * @param limits      what it may spend
     * @param zone        the residency zone all its requests are confined to, or {@code null}
     * @param models      the models it may use; empty: any
     * @param priority    its priority when the deployment passes its spend-rate ceiling: tenants
     *                    below {@code meridian.pricing.ceiling.protected-priority} are refused then;
     *                    0 by default
     */
    public record TenantSpec(
            @NotNull @Pattern(regexp = TenantId.PATTERN, message = "must be 1 to 63 of a-z, 0-9 and -") String id,
            @DefaultValue @NotNull List<@Pattern(regexp = "[0-9a-f]{64}", message = "must be a SHA-256 in lowercase hex") String> keysSha256,
            @DefaultValue @NotNull List<@Pattern(regexp = "[0-9a-f]{64}", message = "must be a SHA-256 in lowercase hex") String> revokedKeysSha256,
            @DefaultValue @NotNull @Valid Limits limits,
            @Nullable String zone,
            @DefaultValue @NotNull List<String> models,
            @DefaultValue("0") int priority) {
    }

    /**
     * Limits; each is off when not set. Spend caps are in {@code meridian.pricing.currency}, with at
     * most 6 decimals; the deployment's ({@code global}) are per day and month, like its token caps.
     *
     * @param requestsPerMinute requests in one UTC minute
     * @param tokensPerMinute   model tokens (prompt + completion) in one UTC minute
     * @param tokensPerDay      model tokens in one UTC day
     * @param tokensPerMonth    model tokens in one UTC calendar month
     * @param spendPerMinute    spend (tokens at {@code meridian.pricing} prices) in one UTC minute
     * @param spendPerDay       spend in one UTC day
     * @param spendPerMonth     spend in one UTC calendar month
     */
    public record Limits(
            @Nullable @Positive Long requestsPerMinute,
            @Nullable @Positive Long tokensPerMinute,
            @Nullable @Positive Long tokensPerDay,
            @Nullable @Positive Long tokensPerMonth,
            @Nullable @Positive BigDecimal spendPerMinute,
            @Nullable @Positive BigDecimal spendPerDay,
            @Nullable @Positive BigDecimal spendPerMonth) {

        @ConstructorBinding
        public Limits {
        }

        /** Token and request limits only. */
        public Limits(@Nullable Long requestsPerMinute, @Nullable Long tokensPerMinute, @Nullable Long tokensPerDay,
                @Nullable Long tokensPerMonth) {
            this(requestsPerMinute, tokensPerMinute, tokensPerDay, tokensPerMonth, null, null, null);
        }

        /** Whether any limit is set. */
        public boolean any() {
            return requestsPerMinute != null || tokensPerMinute != null || tokensPerDay != null || tokensPerMonth != null
                    || spendPerMinute != null || spendPerDay != null || spendPerMonth != null;
        }
    }
}
