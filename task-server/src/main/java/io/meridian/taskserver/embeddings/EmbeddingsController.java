package io.meridian.taskserver.embeddings;

import io.meridian.taskserver.TaskServerProperties;
import io.meridian.taskserver.llm.TokenUsage;
import io.meridian.taskserver.models.ModelCatalog;
import io.meridian.taskserver.web.ApiError;
import io.meridian.taskserver.web.ApiException;
import io.meridian.taskserver.web.InvalidRequestException;
import io.meridian.taskserver.web.JsonLimits;
import io.meridian.taskserver.web.TenantHeaders;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /v1/embeddings}, OpenAI's embeddings API on the region's embedding model.
 *
 * <p>The request is checked whole before the model is called ({@link EmbeddingsRequest}): its
 * model must be the region's embedding model or an alias of it ({@link ModelCatalog}; an unknown
 * one is {@code 404 model_not_found}), the tenant must be allowed to use it ({@code 403
 * model_not_allowed}), token arrays need a backend that takes them, and a simulated model's
 * vectors cannot be made longer than configured. Then one bounded call embeds every input
 * ({@link EmbeddingService}) and the answer carries the tokens it cost in {@value
 * TenantHeaders#USAGE} ({@code completion=0}), from which the gateway charges the tenant's budget.
 */
@RestController
class EmbeddingsController {

    private final @Nullable EmbeddingService service;

    private final ModelCatalog models;

    private final EmbeddingsProperties limits;

    private final int maxJsonDepth;

    EmbeddingsController(ObjectProvider<EmbeddingService> service, ModelCatalog models,
            EmbeddingsProperties limits, TaskServerProperties server) {
        this.service = service.getIfAvailable();
        this.models = models;
        this.limits = limits;
        this.maxJsonDepth = server.maxJsonDepth();
    }

    @PostMapping(path = "/v1/embeddings", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<EmbeddingList>> embed(@RequestBody(required = false) Mono<JsonNode> body,
            @RequestHeader(name = TenantHeaders.TENANT, required = false) @Nullable String tenant,
            @RequestHeader(name = TenantHeaders.ALLOWED_MODELS, required = false) @Nullable String allowedModels) {
        TenantHeaders.tenant(tenant);
        Set<String> allowed = TenantHeaders.allowedModels(allowedModels);
        return body
                .switchIfEmpty(Mono.error(() -> new InvalidRequestException(ApiError.MALFORMED_JSON,
                        "request body is empty; send a JSON object such as " + EmbeddingsRequest.EXAMPLE, null)))
                .flatMap(json -> {
                    JsonLimits.checkDepth(json, maxJsonDepth);
                    EmbeddingsRequest request = EmbeddingsRequest.from(json, limits);
                    String model = models.resolveEmbedding(request.model());
                    EmbeddingService embeddings = Objects.requireNonNull(service,
                            "a catalog with an embedding model has an embedding service");
                    check(request, model, allowed, embeddings.backend());
                    return embeddings.embed(model, request.inputs(), request.dimensions(), request.user())
                            .map(answer -> ResponseEntity.ok()
                                    .header(TenantHeaders.USAGE, TenantHeaders.usage(TokenUsage.of(answer.promptTokens(), 0)))
                                    .body(EmbeddingList.of(answer, request.base64())));
                });
    }

    private static void check(EmbeddingsRequest request, String model, Set<String> allowed, EmbeddingBackend backend) {
        if (!allowed.isEmpty() && !allowed.contains(model)) {
            throw new ApiException(ApiError.MODEL_NOT_ALLOWED, 403, "this API key may use the models "
                    + String.join(", ", allowed) + ", not '" + model + "'", "model", null);
        }
        if (request.hasTokenArrays() && !backend.takesTokenArrays()) {
            throw new InvalidRequestException(ApiError.INVALID_REQUEST, "input must be text: the embedding model '"
                    + model + "' runs on backend '" + backend.name() + "', which takes no token arrays", "input");
        }
        if (backend instanceof SimulatedEmbeddingBackend simulated && request.dimensions() != null
                && request.dimensions() > simulated.dimensions()) {
            throw new InvalidRequestException(ApiError.INVALID_REQUEST, "dimensions must be at most "
                    + simulated.dimensions() + " for the model '" + model + "' (" + EmbeddingsProperties.PREFIX
                    + ".simulated.dimensions), but was " + request.dimensions(), "dimensions");
        }
    }
}
