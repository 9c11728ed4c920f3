package io.meridian.taskserver.llm;

import io.meridian.taskserver.TaskServerProperties;
import io.meridian.taskserver.queue.QueuesProperties;
import io.meridian.taskserver.tracing.TaskTracing;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.ollama.OllamaChatModel;
import org.springframework.ai.ollama.api.OllamaApi;
import org.springframework.ai.ollama.api.OllamaChatOptions;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Creates the region's {@link ModelTiers}, and its {@link ChatBackend} bean, the tiers' {@linkplain
 * ModelTiers#primary() primary}.
 *
 * <p>The choice of backend is a switch over the bound {@link ModelProperties.Backend} rather than
 * bean conditions, so that a misspelt backend fails start-up with a binding error naming the
 * property. The Spring AI side follows {@code meridian.model.backend}: {@code application.yml} sets
 * {@code spring.ai.model.chat} to it, so Spring AI's auto-configuration creates the one chat model of
 * that backend at {@code spring.ai.<backend>.base-url}, with every {@code spring.ai.<backend>.chat.*}
 * option. A tier on that backend and URL uses it; a tier on another backend or URL gets a chat model
 * of its own, built here from the same options (or the provider's defaults, for the other
 * provider). Tiers on the same backend and URL share one backend, and so its bound on concurrent
 * calls; each endpoint's calls are measured ({@link MeteredChatBackend}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ModelProperties.class)
class ModelConfiguration {

    /** Name of the Ollama backend, as clients see it. */
    static final String OLLAMA = "ollama";

    /** Name of the OpenAI-compatible backend, as clients see it. */
    static final String OPENAI = "openai";

    private static final String OLLAMA_BASE_URL = "spring.ai.ollama.base-url";

    private static final String OPENAI_BASE_URL = "spring.ai.openai.base-url";

    @Bean
    @ConditionalOnMissingBean
    ModelTiers modelTiers(ModelProperties model, QueuesProperties queues, TaskServerProperties server,
            ObjectProvider<ChatModel> chatModel, ObjectProvider<MeterRegistry> meters,
            ObjectProvider<TaskTracing> tracing, ObjectProvider<ObservationRegistry> observations,
            ObjectProvider<RetryTemplate> retry, Environment environment, Clock clock) {
        EndpointFactory endpoints = new EndpointFactory(model, server, chatModel,
                tracing.getIfAvailable(() -> TaskTracing.NONE), meters.getIfAvailable(),
                observations.getIfAvailable(() -> ObservationRegistry.NOOP),
                retry.getIfAvailable(() -> new RetryTemplate(RetryPolicy.builder().maxRetries(0).build())),
                environment);
        Set<String> names = new TreeSet<>(model.tiers().keySet());
        names.add(ModelProperties.SIMPLE_TIER);
        names.add(ModelProperties.COMPLEX_TIER);
        Map<String, TierBackend> tiers = new HashMap<>();
        for (String name : names) {
            tier(name, model, queues, endpoints, clock, tiers);
        }
        return new ModelTiers(tiers, endpoints.closeables());
    }

    @Bean
    @ConditionalOnMissingBean(ChatBackend.class)
    ChatBackend chatBackend(ModelTiers tiers) {
        return tiers.primary();
    }

    /** Builds a tier after its fallback, which the properties guarantee leads to no cycle. */
    private static TierBackend tier(String name, ModelProperties model, QueuesProperties queues,
            EndpointFactory endpoints, Clock clock, Map<String, TierBackend> built) {
        TierBackend done = built.get(name);
        if (done != null) {
            return done;
        }
        ModelProperties.Tier tier = model.tier(name);
        TierBackend fallback = tier.fallback() == null ? null
                : tier(tier.fallback(), model, queues, endpoints, clock, built);
        ModelProperties.Backend backend = tier.backend() != null ? tier.backend() : model.backend();
        Map<String, ChatBackend> urls = new LinkedHashMap<>();
        if (backend == ModelProperties.Backend.SIMULATED) {
            urls.put(SimulatedChatBackend.NAME, endpoints.simulated(tier.simulated()));
        }
        else {
            List<String> addresses = tier.endpoints().isEmpty() ? List.of(endpoints.defaultUrl(backend))
                    : tier.endpoints().stream().map(URI::toString).toList();
            for (String url : addresses) {
                urls.put(url, endpoints.remote(backend, url, tier.apiKey()));
            }
        }
        ChatBackend first = urls.values().iterator().next();
        // The backend's default model: the provider's configured one, or the simulated model's name.
        String tierModel = tier.model() != null ? tier.model() : switch (name) {
            case ModelProperties.SIMPLE_TIER -> queues.simple().model() != null ? queues.simple().model()
                    : first.defaultModel();
            case ModelProperties.COMPLEX_TIER -> queues.complex().model();
            default -> first.defaultModel();
        };
        TierBackend answer = new TierBackend(name, first.name(), tierModel, urls,
                tier.failureCooldown(), tier.timeout(), clock, fallback);
        built.put(name, answer);
        return answer;
    }

    /**
     * The endpoints' backends, one per backend, address and key, shared by the tiers that use it.
     */
    private static final class EndpointFactory {

        private final ModelProperties model;

        private final TaskServerProperties server;

        private final ObjectProvider<ChatModel> chatModel;

        private final TaskTracing tracing;

        private final @Nullable MeterRegistry meters;

        private final ObservationRegistry observations;

        private final RetryTemplate retry;

        private final Environment environment;

        private final Map<String, ChatBackend> backends = new LinkedHashMap<>();

        private final List<AutoCloseable> closeables = new ArrayList<>();

        EndpointFactory(ModelProperties model, TaskServerProperties server, ObjectProvider<ChatModel> chatModel,
                TaskTracing tracing, @Nullable MeterRegistry meters, ObservationRegistry observations,
                RetryTemplate retry, Environment environment) {
            this.model = model;
            this.server = server;
            this.chatModel = chatModel;
            this.tracing = tracing;
            this.meters = meters;
            this.observations = observations;
            this.retry = retry;
            this.environment = environment;
        }

        String defaultUrl(ModelProperties.Backend backend) {
            return backend == ModelProperties.Backend.OLLAMA
                    ? environment.getProperty(OLLAMA_BASE_URL, "http://localhost:11434")
                    : environment.getProperty(OPENAI_BASE_URL, "http://localhost:8000/v1");
        }

        ChatBackend simulated(ModelProperties.@Nullable Simulated settings) {
            ModelProperties.Simulated resolved = settings != null ? settings : model.simulated();
            return backends.computeIfAbsent("simulated|" + resolved,
                    key -> metered(new SimulatedChatBackend(server.region(), resolved)));
        }

        ChatBackend remote(ModelProperties.Backend backend, String url, @Nullable String apiKey) {
            return backends.computeIfAbsent(backend + "|" + url + "|" + apiKey, key -> {
                ChatModelBackend created = switch (backend) {
                    case OLLAMA -> new ChatModelBackend(OLLAMA, ollama(url), model.ollama().model(),
                            virtualThreadScheduler("ollama-call", model.ollama().maxConcurrentCalls()), tracing,
                            OLLAMA_PARAMETERS, model.ollama().keepAliveParameter());
                    case OPENAI -> new ChatModelBackend(OPENAI, openAi(url, apiKey), model.openai().model(),
                            virtualThreadScheduler("openai-call", model.openai().maxConcurrentCalls()), tracing,
                            EnumSet.allOf(ChatParameter.class), null);
                    case SIMULATED -> throw new IllegalArgumentException("simulated has no endpoints");
                };
                closeables.add(created);
                return metered(created);
            });
        }

        List<AutoCloseable> closeables() {
            return closeables;
        }

        private ChatBackend metered(ChatBackend backend) {
            return meters == null ? backend : new MeteredChatBackend(backend, meters);
        }

        /** Spring AI's model when it is this backend's at this address, so its options all apply. */
        private @Nullable ChatModel configured(ModelProperties.Backend backend, String url) {
            if (backend != model.backend() || !url.equals(defaultUrl(backend))) {
                return null;
            }
            // getObject: without a ChatModel (spring.ai.model.chat overridden) start-up fails naming the type.
            return chatModel.getObject();
        }

        private ChatModel ollama(String url) {
            ChatModel configured = configured(ModelProperties.Backend.OLLAMA, url);
            if (configured != null) {
                return configured;
            }
            ChatModel template = chatModel.getIfAvailable();
            OllamaChatOptions options = template != null && template.getOptions() instanceof OllamaChatOptions defaults
                    ? defaults.mutate().build() : OllamaChatOptions.builder().model(model.ollama().model()).build();
            return OllamaChatModel.builder()
                    .ollamaApi(OllamaApi.builder().baseUrl(url).build())
                    .options(options)
                    .retryTemplate(retry)
                    .observationRegistry(observations)
                    .build();
        }

        private ChatModel openAi(String url, @Nullable String apiKey) {
            ChatModel configured = apiKey == null ? configured(ModelProperties.Backend.OPENAI, url) : null;
            if (configured != null) {
                return configured;
            }
            ChatModel template = chatModel.getIfAvailable();
            OpenAiChatOptions.Builder options;
            if (template != null && template.getOptions() instanceof OpenAiChatOptions defaults) {
                options = defaults.mutate();
            }
            else {
                options = OpenAiChatOptions.builder().model(model.openai().model()).maxRetries(0)
                        .apiKey(environment.getProperty("spring.ai.openai.api-key", "none"));
                options.streamUsage(true);
            }
            options.baseUrl(url);
            if (apiKey != null) {
                options.apiKey(apiKey);
            }
            return OpenAiChatModel.builder().options(options.build()).observationRegistry(observations).build();
        }
    }

    /**
     * What Ollama's chat API takes: every parameter but a forced tool choice, which it has no
     * field for ({@code tool_choice: "none"} is honoured by offering no tools).
     */
    static final Set<ChatParameter> OLLAMA_PARAMETERS = EnumSet.complementOf(
            EnumSet.of(ChatParameter.TOOL_CHOICE_REQUIRED, ChatParameter.TOOL_CHOICE_FUNCTION));

    /**
     * A bounded scheduler that runs each task on a new virtual thread, at most {@code maxConcurrent}
     * at a time, queueing the rest without limit (callers bound the wait with their deadline).
     * Reactor builds this scheduler only through its {@link Schedulers.Factory} hook; the default
     * factory methods are used unchanged.
     */
    static Scheduler virtualThreadScheduler(String name, int maxConcurrent) {
        ThreadFactory threads = Thread.ofVirtual().name(name + "-", 0).factory();
        Scheduler scheduler = new Schedulers.Factory() { }
                .newThreadPerTaskBoundedElastic(maxConcurrent, Integer.MAX_VALUE, threads);
        scheduler.init();
        return scheduler;
    }
}
