package io.meridian.taskserver.llm;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import java.time.Duration;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.hibernate.validator.constraints.time.DurationMin;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Which model backend answers and how ({@value #PREFIX}.*).
 *
 * <p>The {@code @param} lines below become the IDE hints for these properties, hence plain text.
 *
 * @param backend   Model backend that answers: simulated, ollama or openai (any OpenAI-compatible
 *                  server: vLLM, llama.cpp server, ...). Spring AI's chat model auto-configuration
 *                  follows it (spring.ai.model.chat is set to the same value), so only the chosen
 *                  client is created, and with simulated none.
 * @param timeout   Longest a task's attempt may wait for the model before it fails with
 *                  model_timeout (and is retried), for each queue that sets no task-timeout.
 * @param simulated Settings of the simulated backend.
 * @param ollama    Settings of the ollama backend.
 * @param openai    Settings of the openai backend.
 * @param aliases   Other names clients may ask for in a request's model, each mapped to a queue
 *                  (simple, complex), to a queue's model or to the embedding model
 *                  (meridian.model.embeddings.model), e.g. gpt-4o-mini: simple. They are listed by
 *                  GET /v1/models with what they stand for; a model that is neither a queue's
 *                  model, a queue's name, the embedding model nor an alias is refused with 404
 *                  model_not_found.
 * @param tiers     A model tier per queue, and any further tiers that only serve as fallbacks: each
 *                  names its backend, endpoints, model and fallback, e.g.
 *                  meridian.model.tiers.complex.backend=openai. The keys simple and complex are the
 *                  queues' (meridian.queues.simple, meridian.queues.complex); a queue without a tier,
 *                  and every setting a tier leaves unset, follows the settings above, so a
 *                  configuration without tiers runs both queues on meridian.model.backend as before.
 *                  Each tier takes backend, endpoints, model, fallback, timeout, failure-cooldown,
 *                  api-key and simulated.*; see docs/operations.md, Model tiers.
 */
@ConfigurationProperties(ModelProperties.PREFIX)
@Validated
public record ModelProperties(
        @DefaultValue("simulated") @NotNull Backend backend,
        @DefaultValue("60s") @NotNull @DurationMin(millis = 1) Duration timeout,
        @DefaultValue @NotNull @Valid Simulated simulated,
        @DefaultValue @NotNull @Valid Ollama ollama,
        @DefaultValue @NotNull @Valid OpenAi openai,
        @Nullable Map<String, @NotBlank String> aliases,
        @Nullable Map<String, @Valid Tier> tiers) {

    /** Prefix of these properties. */
    public static final String PREFIX = "meridian.model";

    /**
     * Makes an unset alias map empty.
     */
    public ModelProperties {
        aliases = aliases == null ? Map.of() : Map.copyOf(aliases);
        tiers = tiers == null ? Map.of() : Map.copyOf(tiers);
        for (Map.Entry<String, Tier> tier : tiers.entrySet()) {
            String fallback = tier.getValue().fallback();
            if (!tier.getKey().matches(TIER_NAME_PATTERN)) {
                throw new IllegalArgumentException(PREFIX + ".tiers must be keyed by lowercase names such as 'simple', "
                        + "but had '" + tier.getKey() + "'");
            }
            if (fallback != null && !fallback.equals(SIMPLE_TIER) && !fallback.equals(COMPLEX_TIER)
                    && !tiers.containsKey(fallback)) {
                throw new IllegalArgumentException(PREFIX + ".tiers." + tier.getKey() + ".fallback must name a tier ("
                        + String.join(", ", new TreeSet<>(tierNames(tiers))) + "), but was '" + fallback + "'");
            }
        }
        for (String start : tiers.keySet()) {
            List<String> chain = new ArrayList<>(List.of(start));
            for (String next = fallbackOf(tiers, start); next != null; next = fallbackOf(tiers, next)) {
                chain.add(next);
                if (next.equals(start)) {
                    throw new IllegalArgumentException(PREFIX + ".tiers." + start + ".fallback must not lead back to "
                            + "it, but was a cycle: " + String.join(" -> ", chain));
                }
                if (chain.size() > tiers.size() + 2) {
                    break; // a cycle that does not pass through start: reported from one of its own tiers
                }
            }
        }
    }

    /** Name of the simple queue's tier. */
    public static final String SIMPLE_TIER = "simple";

    /** Name of the complex queue's tier. */
    public static final String COMPLEX_TIER = "complex";

    /** What a tier's name looks like. */
    public static final String TIER_NAME_PATTERN = "[a-z][a-z0-9-]*";

    private static Set<String> tierNames(Map<String, Tier> tiers) {
        Set<String> names = new HashSet<>(tiers.keySet());
        names.add(SIMPLE_TIER);
        names.add(COMPLEX_TIER);
        return names;
    }

    private static @Nullable String fallbackOf(Map<String, Tier> tiers, String name) {
        Tier tier = tiers.get(name);
        return tier == null ? null : tier.fallback();
    }

    /**
     * A tier's settings, or those of a tier that sets nothing.
     *
     * @param name the tier
     * @return its settings, possibly all unset
     */
    public Tier tier(String name) {
        return tiers.getOrDefault(name, Tier.UNSET);
    }

    /**
     * One model tier: the backend, endpoints and model that answer a queue's tasks (or, for a tier
     * that is no queue's, the fallback of another tier).
     *
     * <p>Several endpoints are balanced round robin over those that are up; an endpoint whose call
     * fails (it cannot be reached, answers 5xx or 429, or exceeds the tier's timeout) is skipped for
     * {@code failureCooldown}. When every endpoint is down, the one that has been down longest is
     * tried anyway, so that one endpoint alone behaves as without tiers. When the tier fails, its
     * {@code fallback} answers, and the answer says degraded with the model it asked for.
     *
     * @param backend         Backend of this tier: simulated, ollama or openai; when unset,
     *                        meridian.model.backend.
     * @param endpoints       Base URLs of the tier's model servers, balanced round robin, e.g.
     *                        http://cpu-ollama:11434 for ollama or http://gpu-vllm:8000/v1 for openai
     *                        (the OpenAI API's base, with /v1); when unset, spring.ai.ollama.base-url
     *                        or spring.ai.openai.base-url. Unused by simulated.
     * @param model           Model the tier's queue asks when a request names none; when unset, the
     *                        queue's (meridian.queues.simple.model, meridian.queues.complex.model), or
     *                        the backend's default model.
     * @param fallback        Tier that answers when this one fails (a model error, a timeout, an
     *                        overloaded server), e.g. simple for the complex tier; the answer says
     *                        degraded with the model that answered. When unset, a failure fails the
     *                        attempt, which is retried as usual.
     * @param timeout         Longest a call to this tier may take before it counts as failed, its
     *                        endpoint is marked down and the fallback answers; when unset, only the
     *                        queue's task timeout bounds it. Only useful with a fallback, and shorter
     *                        than the task timeout.
     * @param failureCooldown How long an endpoint whose call failed is skipped.
     * @param apiKey          API key sent to the tier's openai endpoints; when unset,
     *                        spring.ai.openai.api-key.
     * @param simulated       Settings of a simulated tier; when unset, meridian.model.simulated.
     */
    public record Tier(
            @Nullable Backend backend,
            @Nullable List<URI> endpoints,
            @Nullable @Pattern(regexp = "\\S+", message = "must not be blank") String model,
            @Nullable @Pattern(regexp = TIER_NAME_PATTERN,
                    message = "must name a tier such as 'simple', but was '${validatedValue}'") String fallback,
            @Nullable @DurationMin(millis = 1) Duration timeout,
            @DefaultValue("30s") @NotNull @DurationMin(millis = 0) Duration failureCooldown,
            @Nullable String apiKey,
            @Nullable @Valid Simulated simulated) {

        /** A tier that sets nothing: everything as meridian.model.* says. */
        static final Tier UNSET = new Tier(null, null, null, null, null, Duration.ofSeconds(30), null, null);

        /**
         * Copies the endpoints, checking each is an absolute http(s) URL.
         *
         * @throws IllegalArgumentException naming the endpoint that is not
         */
        public Tier {
            endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
            for (URI endpoint : endpoints) {
                if (endpoint.getHost() == null || !("http".equals(endpoint.getScheme())
                        || "https".equals(endpoint.getScheme()))) {
                    throw new IllegalArgumentException(PREFIX + ".tiers.*.endpoints must be http or https URLs such as "
                            + "http://cpu-ollama:11434, but had '" + endpoint + "'");
                }
            }
        }
    }

    /** The backends this server can use. */
    public enum Backend {

        /** No model: a configured delay or profile, and an answer that says it is simulated. */
        SIMULATED,

        /** An Ollama server through Spring AI ({@code spring.ai.ollama.base-url}). */
        OLLAMA,

        /** Any OpenAI-compatible server through Spring AI ({@code spring.ai.openai.base-url}). */
        OPENAI
    }

    /**
     * Settings of the {@code simulated} backend: how long its answers take and how long they are.
     *
     * <p>The {@code profile} sets the shape; {@code timeToFirstToken}, {@code tokensPerSecond} and
     * {@code answerTokens}, when set, override the profile's numbers. With {@code fixed} (the
     * default) a non-streamed answer waits {@code latency} plus a uniform random extra in [0,
     * {@code jitter}], and a streamed one produces the short answer word by word. With a preset, an
     * answer of a drawn number of tokens (words) comes token by token: the first after the time to
     * first token plus the same kind of jitter, the next ones at exponentially distributed intervals
     * averaging {@code tokensPerSecond}; a non-streamed answer takes the same total time. All draws
     * come from a {@link java.util.Random} seeded with {@code seed}, so a run can be repeated.
     *
     * @param profile          Shape of the simulated model's answers: fixed (latency, a short
     *                         answer; the default), cpu-small (a small model on a CPU, about 5 s for
     *                         190 tokens) or gpu-large (a 14B model on a GPU, about 25 s for 600
     *                         tokens).
     * @param latency          Delay before each non-streamed answer with profile fixed (unused by the
     *                         presets, whose answers take as long as their tokens).
     * @param jitter           Upper bound of the uniform random extra delay before an answer, or its
     *                         first token; 0 for none.
     * @param seed             Seed of the random draws; the same seed gives the same delays and lengths.
     * @param timeToFirstToken Delay before an answer's first token; when unset, the profile's
     *                         (fixed 50ms, cpu-small 400ms, gpu-large 1s).
     * @param tokensPerSecond  Mean rate at which an answer produces its tokens after the first; when
     *                         unset, the profile's (fixed 50, cpu-small 37, gpu-large 25).
     * @param answerTokens     Length of the answers, in tokens (words).
     * @param model            Name the simulated model answers under, as the model of its answers and
     *                         the simple queue's default model, e.g. simulated-large to tell two
     *                         simulated tiers apart; when unset, simulated. Name it as what it is,
     *                         never as a real model: a real model's name belongs in
     *                         meridian.model.aliases, standing for its queue. Whatever it is called,
     *                         the backend says simulated and every answer says no model was called.
     */
    public record Simulated(
            @DefaultValue("fixed") @NotNull Profile profile,
            @DefaultValue("50ms") @NotNull @DurationMin(millis = 0) Duration latency,
            @DefaultValue("0ms") @NotNull @DurationMin(millis = 0) Duration jitter,
            @DefaultValue("42") long seed,
            @Nullable @DurationMin(millis = 0) Duration timeToFirstToken,
            @Nullable @DecimalMin(value = "0", inclusive = false) Double tokensPerSecond,
            @DefaultValue @NotNull @Valid AnswerTokens answerTokens,
            @Nullable @Pattern(regexp = "\\S+", message = "must not be blank") String model) {

        /**
         * Checks what bean validation cannot express.
         *
         * @throws IllegalArgumentException if answer-tokens.spread is set without a mean to spread
         *                                  around (profile fixed has none of its own)
         */
        public Simulated {
            if (profile == Profile.FIXED && answerTokens != null && answerTokens.mean() == null
                    && answerTokens.spread() != null && answerTokens.spread() > 0) {
                throw new IllegalArgumentException(PREFIX + ".simulated.answer-tokens.spread needs "
                        + "answer-tokens.mean with profile fixed, whose answers have no length distribution, "
                        + "but was " + answerTokens.spread() + " without a mean");
            }
        }

        /**
         * A profile's settings, every other property at its default.
         *
         * @param profile the profile
         * @return the settings
         */
        public static Simulated of(Profile profile) {
            return new Simulated(profile, Duration.ofMillis(50), Duration.ZERO, 42, null, null,
                    new AnswerTokens(null, null), null);
        }

        /**
         * The shapes of simulated answers, named after the models they imitate. Each sets the time
         * to first token, the token rate and the answer length that the properties do not.
         */
        public enum Profile {

            /**
             * A non-streamed answer after {@code latency}; streamed, the short answer at 50 tokens a
             * second after 50 ms. The demo and load-test default.
             */
            FIXED(Duration.ofMillis(50), 50, null, 0),

            /**
             * A small model on a CPU, like qwen3 on Ollama answering 187 tokens in 5.3 s: first token
             * after 400 ms, 37 tokens a second, 190 ± 40 tokens (about 5.5 s on average).
             */
            CPU_SMALL(Duration.ofMillis(400), 37, 190, 40),

            /**
             * A 14B model on a GPU writing long answers: first token after 1 s, 25 tokens a second,
             * 600 ± 150 tokens (about 25 s on average, 13 s to 37 s).
             */
            GPU_LARGE(Duration.ofSeconds(1), 25, 600, 150);

            private final Duration timeToFirstToken;

            private final double tokensPerSecond;

            private final @Nullable Integer meanAnswerTokens;

            private final int answerTokensSpread;

            Profile(Duration timeToFirstToken, double tokensPerSecond, @Nullable Integer meanAnswerTokens,
                    int answerTokensSpread) {
                this.timeToFirstToken = timeToFirstToken;
                this.tokensPerSecond = tokensPerSecond;
                this.meanAnswerTokens = meanAnswerTokens;
                this.answerTokensSpread = answerTokensSpread;
            }

            /** @return the delay before the first token */
            public Duration timeToFirstToken() {
                return timeToFirstToken;
            }

            /** @return the mean token rate after the first */
            public double tokensPerSecond() {
                return tokensPerSecond;
            }

            /** @return the mean answer length in tokens, or {@code null} for the short answer */
            public @Nullable Integer meanAnswerTokens() {
                return meanAnswerTokens;
            }

            /** @return the standard deviation of the answer length */
            public int answerTokensSpread() {
                return answerTokensSpread;
            }

            /** @return the name as configured, e.g. {@code cpu-small} */
            public String configName() {
                return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
            }
        }
    }

    /**
     * Length of the simulated answers, in tokens (words), drawn per answer from a normal
     * distribution of the given mean and standard deviation, kept within two deviations of the mean
     * (and at least 1), and cut at the request's max_tokens.
     *
     * @param mean   Mean answer length; when unset, the profile's (cpu-small 190, gpu-large 600; fixed:
     *               the short answer that repeats the question).
     * @param spread Standard deviation of the answer length, 0 for always the mean; when unset, the
     *               profile's (cpu-small 40, gpu-large 150), or 0 under profile fixed.
     */
    public record AnswerTokens(
            @Nullable @Positive @Max(MAX_ANSWER_TOKENS) Integer mean,
            @Nullable @PositiveOrZero @Max(MAX_ANSWER_TOKENS) Integer spread) {

        /** The longest mean answer, and the largest spread, that may be configured. */
        public static final int MAX_ANSWER_TOKENS = 100_000;
    }

    /**
     * Settings of the {@code ollama} backend. The server address is Spring AI's
     * {@code spring.ai.ollama.base-url} (default {@code http://localhost:11434}); other
     * {@code spring.ai.ollama.chat.*} options (temperature, ...) apply as usual.
     *
     * @param model              Model used when a request names none, such as qwen3 or qwen3:14b.
     *                           It must be pulled on the Ollama server.
     * @param maxConcurrentCalls How many calls may wait on Ollama at once; further calls queue, each
     *                           still bounded by meridian.model.timeout.
     * @param keepAlive          How long Ollama keeps the model loaded after a call (its keep_alive,
     *                           sent with every call whose request set none: a keep_alive on
     *                           /api/chat or /api/generate wins): 0 unloads it at once, a negative
     *                           value keeps it loaded until Ollama stops; when unset, the Ollama
     *                           server's own default (5m, or its OLLAMA_KEEP_ALIVE).
     */
    public record Ollama(
            @DefaultValue("qwen3") @NotBlank String model,
            @DefaultValue("16") @Positive int maxConcurrentCalls,
            @Nullable Duration keepAlive) {

        /**
         * The keep-alive as Ollama reads it, a Go duration.
         *
         * @return e.g. {@code 600000ms}, {@code -1000ms}, or {@code null} when unset
         */
        public @Nullable String keepAliveParameter() {
            return keepAlive == null ? null : keepAlive.toMillis() + "ms";
        }
    }

    /**
     * Settings of the {@code openai} backend, for any server that speaks OpenAI's chat completions
     * API (OpenAI, vLLM, llama.cpp server, ...). The server address is Spring AI's
     * {@code spring.ai.openai.base-url} and the key {@code spring.ai.openai.api-key}; other
     * {@code spring.ai.openai.chat.*} options apply as usual.
     *
     * @param model              Model used when a request names none, as the server names it.
     * @param maxConcurrentCalls How many calls may wait on the server at once; further calls queue,
     *                           each still bounded by meridian.model.timeout.
     */
    public record OpenAi(
            @DefaultValue("qwen3") @NotBlank String model,
            @DefaultValue("16") @Positive int maxConcurrentCalls) {
    }
}
