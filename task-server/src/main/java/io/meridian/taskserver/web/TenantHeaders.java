package io.meridian.taskserver.web;

import io.meridian.protocol.MeridianHeaders;
import io.meridian.protocol.TenantId;
import io.meridian.protocol.UsageReport;
import io.meridian.taskserver.llm.TokenUsage;
import java.util.LinkedHashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the gateway tells a region about a request's tenant, and what the region tells the gateway
 * back about the tokens a request used, so that budgets are counted from real usage.
 *
 * <p>{@value #TENANT}: the tenant the request is for, which the gateway sets on every request it
 * forwards ({@value #ANONYMOUS} for a request without an API key) after dropping any copy the
 * client sent. The tenant owns the tasks the request creates: another tenant's request gets {@code
 * 404 task_not_found} for them, as if they did not exist. A request without the header (a direct
 * call to a task server, not through the gateway) is {@value #ANONYMOUS}'s.
 *
 * <p>Security note: a task server believes this header because only the gateway can reach it:
 * mutual TLS in the local stack and on Kubernetes, where a task server accepts no connection
 * without the gateway's client certificate. A task server reachable without mutual TLS believes
 * whoever connects, who can then name any tenant and read, cancel and reuse the idempotency keys of
 * that tenant's tasks. Never expose a task server's API port but to the gateway.
 *
 * <p>{@value #ALLOWED_MODELS}: the models the tenant may use, comma-separated (absent: any); a task
 * for another model is refused with {@code 403 model_not_allowed} before anything is queued.
 * {@value #USAGE}: {@code prompt=<n>, completion=<n>} on an answer that carries a finished result;
 * a streamed chat answer ends with an SSE comment {@code : meridian-usage prompt=<n> completion=<n>}
 * instead (clients ignore comments). Names, rules and formats are the protocol's
 * ({@link MeridianHeaders}, {@link TenantId}, {@link UsageReport}).
 */
public final class TenantHeaders {

    /** Request header: the tenant a request is for, as the gateway vouches for it. */
    public static final String TENANT = MeridianHeaders.TENANT;

    /** The tenant of requests without an API key, and of requests that name none. */
    public static final String ANONYMOUS = TenantId.ANONYMOUS;

    /**
     * Request header: the most tokens the answer may have, as the gateway reserved them from the
     * tenant's budget. The region holds the model to it (with the client's own {@code max_tokens},
     * the smaller of the two), so an answer cannot spend more than was reserved for it.
     */
    public static final String MAX_TOKENS = MeridianHeaders.MAX_TOKENS;

    /** Request header: the models the request's tenant may use. */
    public static final String ALLOWED_MODELS = MeridianHeaders.ALLOWED_MODELS;

    /** Response header: the tokens the answer cost. */
    public static final String USAGE = MeridianHeaders.USAGE;

    /** The SSE comment that ends a streamed answer with its token usage. */
    public static final String USAGE_COMMENT = UsageReport.COMMENT_WORD;

    private TenantHeaders() {
    }

    /**
     * The tenant of a {@value #TENANT} header.
     *
     * @param header the header's value, or {@code null} if absent
     * @return the tenant; {@value #ANONYMOUS} when absent or blank
     * @throws InvalidRequestException 400 {@code invalid_header} naming the header, if it is not a
     *                                 tenant's name (1 to 63 of a-z, 0-9 and -, starting with a letter or digit)
     */
    public static String tenant(@Nullable String header) {
        if (header == null || header.isBlank()) {
            return ANONYMOUS;
        }
        String tenant = header.strip();
        if (!TenantId.isValid(tenant)) {
            String shown = tenant.length() > 63 ? tenant.substring(0, 63) + "..." : tenant;
            throw new InvalidRequestException(ApiError.INVALID_HEADER, TENANT
                    + " must be a tenant's name (" + TenantId.RULE + "), but was '"
                    + shown + "'", TENANT);
        }
        return tenant;
    }

    /**
     * The cap of a {@value #MAX_TOKENS} header.
     *
     * @param header the header's value, or {@code null} if absent
     * @return the most tokens the answer may have, or {@code null} when absent: no cap
     * @throws InvalidRequestException 400 {@code invalid_header} naming the header, if it is not a
     *                                 whole number from 1 to 2<sup>31</sup>-1
     */
    public static @Nullable Integer maxTokens(@Nullable String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.strip();
        int cap = 0;
        boolean valid = !value.isEmpty() && value.length() <= 10;
        for (int i = 0; valid && i < value.length(); i++) {
            char c = value.charAt(i);
            valid = c >= '0' && c <= '9';
        }
        if (valid) {
            long parsed = Long.parseLong(value);
            valid = parsed >= 1 && parsed <= Integer.MAX_VALUE;
            cap = (int) parsed;
        }
        if (!valid) {
            String shown = value.length() > 20 ? value.substring(0, 20) + "..." : value;
            throw new InvalidRequestException(ApiError.INVALID_HEADER, MAX_TOKENS
                    + " must be a whole number from 1 to " + Integer.MAX_VALUE + ", but was '" + shown + "'", MAX_TOKENS);
        }
        return cap;
    }

    /** The models of an {@value #ALLOWED_MODELS} header; empty when absent: any model. */
    public static Set<String> allowedModels(@Nullable String header) {
        Set<String> models = new LinkedHashSet<>();
        if (header != null) {
            for (String model : header.split(",")) {
                if (!model.isBlank()) {
                    models.add(model.strip());
                }
            }
        }
        return models;
    }

    /** The {@value #USAGE} header's value. */
    public static String usage(TokenUsage usage) {
        return report(usage).header();
    }

    /** The SSE comment's text. */
    public static String usageComment(TokenUsage usage) {
        return report(usage).comment();
    }

    private static UsageReport report(TokenUsage usage) {
        return new UsageReport(usage.promptTokens(), usage.completionTokens());
    }
}
