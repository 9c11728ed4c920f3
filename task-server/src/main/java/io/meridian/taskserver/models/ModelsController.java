package io.meridian.taskserver.models;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.meridian.taskserver.web.TenantHeaders;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/**
 * {@code GET /v1/models} and {@code GET /v1/models/{id}}: the names this region answers to, in
 * OpenAI's list and model shapes, which OpenAI's clients and LangChain read. Each model carries a
 * {@code meridian} member saying what the name is in this region (a queue's model, a queue, an
 * alias), the queue and model that answer it, and the backend. A tenant restricted to some models
 * ({@value TenantHeaders#ALLOWED_MODELS}) sees only the names that run them, and an id it may not
 * use is {@code 404 model_not_found}, as OpenAI answers a model a key cannot see.
 *
 * <p>An id may hold {@code /} (vLLM serves {@code meta-llama/Llama-3.1-8B}), so everything after
 * {@code /v1/models/} is the id.
 */
@RestController
class ModelsController {

    /** {@code object} of a listing. */
    static final String LIST = "list";

    /** {@code object} of a model. */
    static final String MODEL = "model";

    private static final String ITEM_PREFIX = "/v1/models/";

    private final ModelCatalog catalog;

    private final long created;

    ModelsController(ModelCatalog catalog, java.time.Clock clock) {
        this.catalog = catalog;
        this.created = clock.instant().getEpochSecond();
    }

    @GetMapping(path = "/v1/models", produces = MediaType.APPLICATION_JSON_VALUE)
    ModelList list(@RequestHeader(name = TenantHeaders.ALLOWED_MODELS, required = false) @Nullable String allowedModels) {
        Set<String> allowed = TenantHeaders.allowedModels(allowedModels);
        return new ModelList(LIST, catalog.entries(allowed).stream().map(this::model).toList());
    }

    @GetMapping(path = "/v1/models/**", produces = MediaType.APPLICATION_JSON_VALUE)
    Model one(@RequestHeader(name = TenantHeaders.ALLOWED_MODELS, required = false) @Nullable String allowedModels,
            ServerWebExchange exchange) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        String id = java.net.URLDecoder.decode(path.substring(ITEM_PREFIX.length()).replace("+", "%2B"),
                java.nio.charset.StandardCharsets.UTF_8);
        return model(catalog.entry(id, TenantHeaders.allowedModels(allowedModels)));
    }

    private Model model(ModelCatalog.Entry entry) {
        String backend = catalog.backend(entry);
        return new Model(entry.id(), MODEL, created, backend, new Served(catalog.region(),
                entry.kind().name().toLowerCase(java.util.Locale.ROOT), entry.queue(), entry.model(), backend,
                entry.aliasOf()));
    }

    /**
     * OpenAI's list of models.
     *
     * @param object always {@code list}
     * @param data   the models
     */
    record ModelList(String object, List<Model> data) {
    }

    /**
     * OpenAI's model object.
     *
     * @param id       the name a request uses
     * @param object   always {@code model}
     * @param created  when this server started serving it, in seconds since the epoch
     * @param ownedBy  the backend that answers it ({@code simulated} for the simulated one)
     * @param meridian what the name is in this region
     */
    record Model(String id, String object, long created, @JsonProperty("owned_by") String ownedBy, Served meridian) {
    }

    /**
     * What a name is in this region.
     *
     * @param region  the region
     * @param kind    {@code model} (a queue's model), {@code queue} (a queue's name), {@code alias} or
     *                {@code embedding} (the embedding model, which POST /v1/embeddings takes)
     * @param queue   the queue it runs on; absent for the embedding model
     * @param model   the model that answers it
     * @param backend the backend
     * @param aliasOf for an alias, the queue or model it stands for
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Served(String region, String kind, @Nullable String queue, String model, String backend, @Nullable String aliasOf) {
    }
}
