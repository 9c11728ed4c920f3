package io.meridian.taskserver.models;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.meridian.protocol.OllamaErrors;
import io.meridian.taskserver.web.TenantHeaders;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/tags} and {@code GET /api/version}, Ollama's model list and version, which Ollama
 * clients read before they chat: the names this region answers to ({@link ModelCatalog}, the same
 * as {@code GET /v1/models}), each in Ollama's model shape. A tenant restricted to some models sees
 * only the names that run them.
 *
 * <p>Meridian holds no model files, so {@code size} is 0 and {@code details} are empty;
 * {@code digest} is the SHA-256 of the model a name runs, so that names which run one model (a
 * queue, its model and their aliases) share a digest, as Ollama's tags of one model do. A
 * {@code meridian} member says what the name is here, as on {@code /v1/models}.
 */
@RestController
class OllamaTagsController {

    private final ModelCatalog catalog;

    private final String modifiedAt;

    OllamaTagsController(ModelCatalog catalog, Clock clock) {
        this.catalog = catalog;
        this.modifiedAt = clock.instant().toString();
    }

    @GetMapping(path = "/api/tags", produces = MediaType.APPLICATION_JSON_VALUE)
    Tags tags(@RequestHeader(name = TenantHeaders.ALLOWED_MODELS, required = false) @Nullable String allowedModels) {
        Set<String> allowed = TenantHeaders.allowedModels(allowedModels);
        return new Tags(catalog.entries(allowed).stream().map(this::tag).toList());
    }

    @GetMapping(path = "/api/version", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, String> version() {
        return Map.of("version", OllamaErrors.API_VERSION);
    }

    private Tag tag(ModelCatalog.Entry entry) {
        return new Tag(entry.id(), entry.id(), modifiedAt, 0, sha256(entry.model()), Details.NONE,
                new ModelsController.Served(catalog.region(), entry.kind().name().toLowerCase(Locale.ROOT),
                        entry.queue(), entry.model(), catalog.backend(), entry.aliasOf()));
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException absent) {
            throw new IllegalStateException("every Java platform has SHA-256", absent);
        }
    }

    /**
     * Ollama's list of local models.
     *
     * @param models the models
     */
    record Tags(List<Tag> models) {
    }

    /**
     * Ollama's model entry.
     *
     * @param name       the name a request uses
     * @param model      the same
     * @param modifiedAt when this region started serving it (RFC 3339)
     * @param size       bytes on disk: 0, Meridian holds none
     * @param digest     the SHA-256 of the model the name runs
     * @param details    empty: the model server knows them
     * @param meridian   what the name is in this region
     */
    record Tag(String name, String model, @JsonProperty("modified_at") String modifiedAt, long size, String digest,
            Details details, ModelsController.Served meridian) {
    }

    /**
     * Ollama's model details, empty.
     *
     * @param parentModel       {@code ""}
     * @param format            {@code ""}
     * @param family            {@code ""}
     * @param families          none
     * @param parameterSize     {@code ""}
     * @param quantizationLevel {@code ""}
     */
    record Details(@JsonProperty("parent_model") String parentModel, String format, String family,
            List<String> families, @JsonProperty("parameter_size") String parameterSize,
            @JsonProperty("quantization_level") String quantizationLevel) {

        static final Details NONE = new Details("", "", "", List.of(), "", "");
    }
}
