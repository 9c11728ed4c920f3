package io.meridian.taskserver.llm;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
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
 */
@ConfigurationProperties(ModelProperties.PREFIX)
@Validated
public record ModelProperties(
        @DefaultValue("simulated") @NotNull Backend backend,
        @DefaultValue("60s") @NotNull @DurationMin(millis = 1) Duration timeout,
        @DefaultValue @NotNull @Valid Simulated simulated,
        @DefaultValue @NotNull @Valid Ollama ollama,
        @DefaultValue @NotNull @Valid OpenAi openai) {

    /** Prefix of these properties. */
    public static final String PREFIX = "meridian.model";

    /** The backends this server can use. */
    public enum Backend {

        /** No model: a configured delay and an answer that says it is simulated. */
        SIMULATED,

        /** An Ollama server through Spring AI ({@code spring.ai.ollama.base-url}). */
        OLLAMA,

        /** Any OpenAI-compatible server through Spring AI ({@code spring.ai.openai.base-url}). */
        OPENAI
    }

    /**
     * Settings of the {@code simulated} backend. Each answer waits {@code latency} plus a uniform
     * random extra in [0, {@code jitter}], drawn from a {@link java.util.Random} seeded with
     * {@code seed}, so a load test can be repeated with the same sequence of delays. A streamed
     * answer waits {@code timeToFirstToken} plus the same kind of jitter for its first word, then
     * produces words at exponentially distributed intervals averaging {@code tokensPerSecond}.
     *
     * @param latency          Fixed part of the delay before each (non-streamed) answer.
     * @param jitter           Upper bound of the uniform random extra delay; 0 for none.
     * @param seed             Seed of the random sequences; the same seed gives the same delays.
     * @param timeToFirstToken Fixed part of the delay before a streamed answer's first word.
     * @param tokensPerSecond  Mean rate at which a streamed answer produces its words.
     */
    public record Simulated(
            @DefaultValue("50ms") @NotNull @DurationMin(millis = 0) Duration latency,
            @DefaultValue("0ms") @NotNull @DurationMin(millis = 0) Duration jitter,
            @DefaultValue("42") long seed,
            @DefaultValue("50ms") @NotNull @DurationMin(millis = 0) Duration timeToFirstToken,
            @DefaultValue("50") @DecimalMin(value = "0", inclusive = false) double tokensPerSecond) {
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
     */
    public record Ollama(
            @DefaultValue("qwen3") @NotBlank String model,
            @DefaultValue("16") @Positive int maxConcurrentCalls) {
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
