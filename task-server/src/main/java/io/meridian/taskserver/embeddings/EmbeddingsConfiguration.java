package io.meridian.taskserver.embeddings;

import io.meridian.taskserver.load.LoadTracker;
import io.meridian.taskserver.llm.ModelProperties;
import io.meridian.taskserver.task.TaskProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ai.ollama.OllamaEmbeddingModel;
import org.springframework.ai.ollama.api.OllamaApi;
import org.springframework.ai.ollama.api.OllamaEmbeddingOptions;
import org.springframework.ai.openai.OpenAiEmbeddingModel;
import org.springframework.ai.openai.OpenAiEmbeddingOptions;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Creates the region's {@link EmbeddingBackend} and the {@link EmbeddingService} that calls it,
 * unless {@code meridian.model.embeddings.enabled} is false.
 *
 * <p>What embeds follows the simple queue's tier unless {@value EmbeddingsProperties#PREFIX}.*
 * says otherwise: its backend, its first endpoint (else Spring AI's base URL of that backend) and
 * its API key, since the server that answers the short questions is the one most likely to hold a
 * small embedding model. The model is the backend's usual small one unless set. Spring AI's
 * embedding auto-configuration stays off ({@code spring.ai.model.embedding: none}): the model is
 * built here, at the resolved address, with no retries (a failed embedding is re-sent by the
 * gateway or the client, never twice here behind their backs) and no model pulling.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(EmbeddingsProperties.class)
class EmbeddingsConfiguration {

    /** How much later than the service's timeout the OpenAI client gives up on its own. */
    private static final Duration CLIENT_TIMEOUT_MARGIN = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(EmbeddingsConfiguration.class);

    /** The Ollama backend's default embedding model. */
    static final String OLLAMA_DEFAULT_MODEL = "nomic-embed-text";

    /** The OpenAI backend's default embedding model. */
    static final String OPENAI_DEFAULT_MODEL = "text-embedding-3-small";

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = EmbeddingsProperties.PREFIX, name = "enabled", matchIfMissing = true)
    EmbeddingBackend embeddingBackend(EmbeddingsProperties embeddings, ModelProperties model,
            ObjectProvider<ObservationRegistry> observations, Environment environment) {
        ObservationRegistry registry = observations.getIfAvailable(() -> ObservationRegistry.NOOP);
        ModelProperties.Tier simple = model.tier(ModelProperties.SIMPLE_TIER);
        return switch (backend(embeddings, model)) {
            case SIMULATED -> new SimulatedEmbeddingBackend(embeddings.simulated().dimensions());
            case OLLAMA -> {
                String url = endpoint(embeddings, model, environment, "spring.ai.ollama.base-url",
                        "http://localhost:11434");
                String keepAlive = model.ollama().keepAliveParameter();
                OllamaEmbeddingModel ollama = OllamaEmbeddingModel.builder()
                        .ollamaApi(OllamaApi.builder().baseUrl(url).build())
                        .options(OllamaEmbeddingOptions.builder().model(model(embeddings, model)).keepAlive(keepAlive)
                                .build())
                        .observationRegistry(registry)
                        .build();
                yield new SpringAiEmbeddingBackend("ollama", ollama, (name, dimensions, user) ->
                        OllamaEmbeddingOptions.builder().model(name).dimensions(dimensions).keepAlive(keepAlive).build());
            }
            case OPENAI -> {
                String url = endpoint(embeddings, model, environment, "spring.ai.openai.base-url",
                        "http://localhost:8000/v1");
                String apiKey = embeddings.apiKey() != null ? embeddings.apiKey() : simple.apiKey() != null
                        ? simple.apiKey() : environment.getProperty("spring.ai.openai.api-key", "none");
                OpenAiEmbeddingOptions defaults = OpenAiEmbeddingOptions.builder().model(model(embeddings, model))
                        .baseUrl(url).apiKey(apiKey).maxRetries(0)
                        // Later than the service's own timeout, which answers 504; this one only frees the thread.
                        .timeout(embeddings.timeout().plus(CLIENT_TIMEOUT_MARGIN)).build();
                OpenAiEmbeddingModel openAi = OpenAiEmbeddingModel.builder().options(defaults)
                        .observationRegistry(registry).build();
                yield new SpringAiEmbeddingBackend("openai", openAi, (name, dimensions, user) ->
                        OpenAiEmbeddingOptions.builder().from(defaults).model(name).dimensions(dimensions).user(user)
                                .build());
            }
        };
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = EmbeddingsProperties.PREFIX, name = "enabled", matchIfMissing = true)
    EmbeddingService embeddingService(EmbeddingBackend backend, EmbeddingsProperties embeddings, ModelProperties model,
            TaskProperties tasks, LoadTracker load, ObjectProvider<MeterRegistry> meters) {
        if (embeddings.timeout().compareTo(tasks.syncWait()) > 0) {
            log.warn("{}.timeout ({}) is longer than meridian.tasks.sync-wait ({}), which sets the gateway's deadline "
                    + "for a non-streamed call: embeddings that take longer than it fail at the gateway first",
                    EmbeddingsProperties.PREFIX, embeddings.timeout(), tasks.syncWait());
        }
        return new EmbeddingService(backend, model(embeddings, model), load,
                virtualThreads("embedding-call", embeddings.maxConcurrentCalls()), embeddings.timeout(),
                meters.getIfAvailable());
    }

    /** The backend that embeds: the property's, else the simple tier's, else the region's. */
    static ModelProperties.Backend backend(EmbeddingsProperties embeddings, ModelProperties model) {
        if (embeddings.backend() != null) {
            return embeddings.backend();
        }
        ModelProperties.Backend simple = model.tier(ModelProperties.SIMPLE_TIER).backend();
        return simple != null ? simple : model.backend();
    }

    /** The embedding model: the property's, else the backend's default. */
    static String model(EmbeddingsProperties embeddings, ModelProperties model) {
        if (embeddings.model() != null) {
            return embeddings.model();
        }
        return switch (backend(embeddings, model)) {
            case SIMULATED -> SimulatedEmbeddingBackend.DEFAULT_MODEL;
            case OLLAMA -> OLLAMA_DEFAULT_MODEL;
            case OPENAI -> OPENAI_DEFAULT_MODEL;
        };
    }

    /** The server that embeds: the property's, else the simple tier's first on the same backend, else Spring AI's. */
    private static String endpoint(EmbeddingsProperties embeddings, ModelProperties model, Environment environment,
            String baseUrlProperty, String fallback) {
        if (embeddings.endpoint() != null) {
            return embeddings.endpoint().toString();
        }
        ModelProperties.Tier simple = model.tier(ModelProperties.SIMPLE_TIER);
        ModelProperties.Backend simpleBackend = simple.backend() != null ? simple.backend() : model.backend();
        List<URI> endpoints = simple.endpoints();
        if (backend(embeddings, model) == simpleBackend && !endpoints.isEmpty()) {
            return endpoints.getFirst().toString();
        }
        return environment.getProperty(baseUrlProperty, fallback);
    }

    /**
     * A scheduler that runs each call on a new virtual thread, at most {@code maxConcurrent} at a
     * time, queueing the rest (the service's timeout bounds their wait). Reactor builds it only
     * through its {@link Schedulers.Factory} hook.
     */
    private static Scheduler virtualThreads(String name, int maxConcurrent) {
        ThreadFactory threads = Thread.ofVirtual().name(name + "-", 0).factory();
        Scheduler scheduler = new Schedulers.Factory() { }
                .newThreadPerTaskBoundedElastic(maxConcurrent, Integer.MAX_VALUE, threads);
        scheduler.init();
        return scheduler;
    }
}
