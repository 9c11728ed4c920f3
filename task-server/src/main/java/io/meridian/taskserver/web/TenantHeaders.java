package io.meridian.taskserver.web;

import io.meridian.taskserver.llm.TokenUsage;
import java.util.LinkedHashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the gateway tells a region about a request's tenant, and what the region tells the gateway
 * back about the tokens a request used, so that budgets are counted from real usage.
 *
 * <p>{@value #ALLOWED_MODELS}: the models the tenant may use, comma-separated (absent: any); a task
 * for another model is refused with {@code 403 model_not_allowed} before anything is queued.
 * {@value #USAGE}: {@code prompt=<n>, completion=<n>} on an answer that carries a finished result;
 * a streamed chat answer ends with an SSE comment {@code : meridian-usage prompt=<n> completion=<n>}
 * instead (clients ignore comments).
 */
public final class TenantHeaders {

    /** Request header: the models the request's tenant may use. */
    public static final String ALLOWED_MODELS = "X-Meridian-Allowed-Models";

    /** Response header: the tokens the answer cost. */
    public static final String USAGE = "X-Meridian-Usage";

    /** The SSE comment that ends a streamed answer with its token usage. */
    public static final String USAGE_COMMENT = "meridian-usage";

    private TenantHeaders() {
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
        return "prompt=" + usage.promptTokens() + ", completion=" + usage.completionTokens();
    }

    /** The SSE comment's text. */
    public static String usageComment(TokenUsage usage) {
        return USAGE_COMMENT + " prompt=" + usage.promptTokens() + " completion=" + usage.completionTokens();
    }
}
