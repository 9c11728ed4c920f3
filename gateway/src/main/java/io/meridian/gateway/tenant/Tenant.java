package io.meridian.gateway.tenant;

import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A caller the gateway knows: by API key, or {@link #ANONYMOUS_ID} for requests without one.
 *
 * @param id     its name
 * @param limits what it may spend
 * @param zone   the residency zone its requests are confined to, or {@code null}
 * @param models   the models it may use; empty: any
 * @param priority whether it is still served over the deployment's spend-rate ceiling
 *                 ({@link SpendCeiling}): at or above {@code meridian.pricing.ceiling.protected-priority}
 */
public record Tenant(String id, TenantProperties.Limits limits, @Nullable String zone, Set<String> models,
        int priority) {

    /** A tenant of priority 0. */
    public Tenant(String id, TenantProperties.Limits limits, @Nullable String zone, Set<String> models) {
        this(id, limits, zone, models, 0);
    }

    /** The name requests without an API key are counted under. */
    public static final String ANONYMOUS_ID = io.meridian.protocol.TenantId.ANONYMOUS;

    /** Exchange attribute holding the request's tenant. */
    public static final String ATTRIBUTE = Tenant.class.getName();

    /**
     * Request header that tells a region which tenant a request is for: set on every request the
     * gateway forwards ({@value #ANONYMOUS_ID} without an API key), after any copy the client sent
     * is dropped. The region scopes tasks by it: one tenant cannot read, follow or cancel
     * another's, nor reuse its idempotency keys.
     *
     * <p>Security note: the region believes this header only because nothing but the gateway can
     * reach it (mutual TLS); a region reachable otherwise would believe whoever names a tenant.
     */
    public static final String HEADER = io.meridian.protocol.MeridianHeaders.TENANT;

    /** Request header with the models the tenant may use, for the region to enforce (absent: any). */
    public static final String MODELS_HEADER = io.meridian.protocol.MeridianHeaders.ALLOWED_MODELS;

    /**
     * Request header with the tokens the request reserved from its tenant's budgets
     * ({@link TokenReservation}): the region holds the model's answer to it (with the client's own
     * {@code max_tokens}, the smaller), so an answer cannot take more than was reserved for it.
     * Absent when nothing was reserved. A client's copy is dropped.
     */
    public static final String MAX_TOKENS_HEADER = io.meridian.protocol.MeridianHeaders.MAX_TOKENS;
}
