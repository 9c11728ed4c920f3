package io.meridian.taskserver.llm;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
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
 * @param backend   Model backend that answers: simulated or ollama. Spring AI's chat model
 *                  auto-configuration follows it (spring.ai.model.chat is set to the same value), so
 *                  with simulated no Ollama client is created.
 * @param timeout   Longest a task's attempt may wait for the model before it fails with
 *                  model_timeout (and is retried), for each queue that sets no task-timeout.
 * @param simulated Settings of the simulated backend.
 * @param ollama    Settings of the ollama backend.
 */
@ConfigurationProperties(ModelProperties.PREFIX)
@Validated
public record ModelProperties(
        @DefaultValue("simulated") @NotNull Backend backend,
        @DefaultValue("60s") @NotNull @DurationMin(millis = 1) Duration timeout,
        @DefaultValue @NotNull @Valid Simulated simulated,
        @DefaultValue @NotNull @Valid Ollama ollama) {

    /** Prefix of these properties. */
    public static final String PREFIX = "meridian.model";

    /** The backends this server can use. */
    public enum Backend {

        /** No model: a configured delay and an answer that says it is simulated. */
        SIMULATED,

        /** An Ollama server through Spring AI ({@code spring.ai.ollama.base-url}). */
        OLLAMA
    }

    /**
     * Settings of the {@code simulated} backend. Each answer waits {@code latency} plus a uniform
     * random extra in [0, {@code jitter}], drawn from a {@link java.util.Random} seeded with
     * {@code seed}, so a load test can be repeated with the same sequence of delays.
     *
     * @param latency Fixed part of the delay before each answer.
     * @param jitter  Upper bound of the uniform random extra delay; 0 for none.
     * @param seed    Seed of the random jitter sequence; the same seed gives the same sequence.
     */
    public record Simulated(
            @DefaultValue("50ms") @NotNull @DurationMin(millis = 0) Duration latency,
            @DefaultValue("0ms") @NotNull @DurationMin(millis = 0) Duration jitter,
            @DefaultValue("42") long seed) {
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
}
