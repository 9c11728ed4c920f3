package io.meridian.taskserver.embeddings;

import io.meridian.taskserver.llm.ModelProperties;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import java.net.URI;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The region's embedding model and the limits of {@code POST /v1/embeddings} ({@value #PREFIX}.*).
 *
 * <p>The {@code @param} lines below become the IDE hints for these properties, hence plain text.
 *
 * @param enabled            Whether this region serves POST /v1/embeddings; when false it answers 404
 *                           model_not_found for every embeddings request and lists no embedding model.
 * @param backend            Backend that embeds: simulated (deterministic vectors from a hash of the
 *                           text), ollama (its /api/embed) or openai (its /v1/embeddings); when unset,
 *                           the simple queue's tier's (meridian.model.tiers.simple.backend, else
 *                           meridian.model.backend).
 * @param endpoint           Base URL of the server that embeds, e.g. http://cpu-ollama:11434 or
 *                           http://gpu-vllm:8000/v1; when unset, the simple tier's first endpoint, else
 *                           spring.ai.ollama.base-url or spring.ai.openai.base-url. Unused by simulated.
 * @param model              Embedding model, as the backend names it and as clients ask for it, e.g.
 *                           nomic-embed-text; listed by GET /v1/models, and meridian.model.aliases may
 *                           name it. When unset: simulated-embedding, nomic-embed-text (ollama) or
 *                           text-embedding-3-small (openai).
 * @param apiKey             API key sent to an openai endpoint; when unset, the simple tier's
 *                           api-key, else spring.ai.openai.api-key.
 * @param timeout            Longest one embeddings call may take, waiting for a free call included,
 *                           before it fails with 504 model_timeout. Keep it no longer than
 *                           meridian.tasks.sync-wait, which (with a grace) sets the gateway's deadline for
 *                           the call; a longer one is warned about at start-up.
 * @param maxConcurrentCalls How many embeddings calls may run at once; further calls wait for one to
 *                           end, within the timeout.
 * @param maxInputs          Most inputs in one request (OpenAI's limit is 2048).
 * @param maxInputLength     Most characters in one text input.
 * @param maxInputTokens     Most tokens in one token-array input.
 * @param simulated          Settings of the simulated embedding model.
 */
@ConfigurationProperties(EmbeddingsProperties.PREFIX)
@Validated
public record EmbeddingsProperties(
        @DefaultValue("true") boolean enabled,
        ModelProperties.@Nullable Backend backend,
        @Nullable URI endpoint,
        @Nullable @Pattern(regexp = "\\S+", message = "must not be blank or hold spaces") String model,
        @Nullable String apiKey,
        @DefaultValue("30s") @NotNull @DurationMin(millis = 1) Duration timeout,
        @DefaultValue("16") @Positive int maxConcurrentCalls,
        @DefaultValue("2048") @Positive @Max(MAX_INPUTS) int maxInputs,
        @DefaultValue("32000") @Positive int maxInputLength,
        @DefaultValue("8192") @Positive int maxInputTokens,
        @DefaultValue @NotNull @Valid Simulated simulated) {

    /** Prefix of these properties. */
    public static final String PREFIX = "meridian.model.embeddings";

    /** The most inputs that may be allowed in one request. */
    public static final int MAX_INPUTS = 100_000;

    /**
     * Checks the endpoint is an absolute http(s) URL.
     *
     * @throws IllegalArgumentException naming the endpoint, if it is not
     */
    public EmbeddingsProperties {
        if (endpoint != null && (endpoint.getHost() == null
                || !("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme())))) {
            throw new IllegalArgumentException(PREFIX + ".endpoint must be an http or https URL such as "
                    + "http://cpu-ollama:11434, but was '" + endpoint + "'");
        }
    }

    /**
     * Settings of the simulated embedding model, whose vectors are derived from a hash of each input.
     *
     * @param dimensions Length of the simulated vectors; a request's dimensions may ask for fewer.
     */
    public record Simulated(@DefaultValue("768") @Positive @Max(MAX_DIMENSIONS) int dimensions) {

        /** The longest simulated vector that may be configured. */
        public static final int MAX_DIMENSIONS = 16_384;
    }
}
