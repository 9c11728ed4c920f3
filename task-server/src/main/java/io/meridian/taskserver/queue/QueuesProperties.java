package io.meridian.taskserver.queue;

import io.meridian.taskserver.TaskServerProperties;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The region's two queues ({@value #PREFIX}.simple.* and {@value #PREFIX}.complex.*). Their
 * defaults follow the original design: a CPU queue with a small model and a pool of 2..8 workers,
 * a GPU queue with a large model and a fixed concurrency of 2, retried after 60 s and 120 s.
 *
 * <p>The {@code @param} lines below become the IDE hints for these properties, hence plain text.
 *
 * @param simple  The queue for short, everyday work (CPU, small model).
 * @param complex The queue for long or large-model work (GPU, large model).
 * @param backend Where the queues live: memory (this JVM only, the default) or redis (shared by every
 *                replica of the region through meridian.redis.url, with Redis Streams).
 */
@ConfigurationProperties(QueuesProperties.PREFIX)
@Validated
public record QueuesProperties(
        @DefaultValue @NotNull @Valid Simple simple,
        @DefaultValue @NotNull @Valid Complex complex,
        @DefaultValue("memory") @NotNull Backend backend) {

    /** Prefix of these properties. */
    public static final String PREFIX = "meridian.queues";

    /** Where the queues live. */
    public enum Backend {

        /** In this JVM's memory: one replica, lost when it stops. */
        MEMORY,

        /** In Redis Streams, shared by the region's replicas. */
        REDIS
    }

    /**
     * Checks what bean validation cannot express.
     *
     * @throws IllegalArgumentException if both queues have the same name
     */
    public QueuesProperties {
        if (simple.name.equals(complex.name)) {
            throw new IllegalArgumentException(PREFIX + ".simple.name and " + PREFIX
                    + ".complex.name must differ, but both were '" + simple.name + "'");
        }
    }

    /**
     * The settings of both queues, each task timeout resolved.
     *
     * @param defaultTaskTimeout the timeout of a queue that sets none ({@code meridian.model.timeout})
     * @param defaultModel       the simple queue's model if it sets none: the backend's default
     * @return the queues
     */
    public Queues queues(Duration defaultTaskTimeout, String defaultModel) {
        return queues(defaultTaskTimeout, simple.model != null ? simple.model : defaultModel, complex.model);
    }

    /**
     * The settings of both queues, each task timeout resolved and each model as its tier says.
     *
     * @param defaultTaskTimeout the timeout of a queue that sets none ({@code meridian.model.timeout})
     * @param simpleModel        the simple queue's model
     * @param complexModel       the complex queue's model
     * @return the queues
     */
    public Queues queues(Duration defaultTaskTimeout, String simpleModel, String complexModel) {
        return new Queues(
                new QueueSettings(simple.name, simpleModel, simple.maxDepth,
                        simple.minWorkers, simple.maxWorkers,
                        simple.maxAttempts, simple.retryDelay, simple.maxRetryDelay,
                        simple.taskTimeout != null ? simple.taskTimeout : defaultTaskTimeout),
                new QueueSettings(complex.name, complexModel, complex.maxDepth, complex.workers, complex.workers,
                        complex.maxAttempts, complex.retryDelay, complex.maxRetryDelay,
                        complex.taskTimeout != null ? complex.taskTimeout : defaultTaskTimeout));
    }

    /**
     * The simple queue: its pool autoscales between min-workers and max-workers by backlog.
     *
     * @param name          Name of the queue, as clients send it in kind and see it in queue.
     * @param model         Model its tasks ask when the request names none, such as qwen3; when unset,
     *                      the backend's default (meridian.model.ollama.model, qwen3 by default).
 *                      meridian.model.tiers.simple.model, when set, takes precedence.
     * @param maxDepth      Most tasks that may wait in it; a submit beyond is refused with 429 queue_full.
     * @param minWorkers    Fewest workers the pool keeps, however idle.
     * @param maxWorkers    Most workers the pool runs, however long the backlog.
     * @param maxAttempts   Attempts a task gets; after the last failed one it is dead-lettered.
     * @param retryDelay    Back-off before the second attempt; doubled for each further one, with jitter.
     * @param maxRetryDelay Longest back-off between two attempts.
     * @param taskTimeout   Longest an attempt may run before it is stopped and counted as failed;
     *                      meridian.model.timeout when unset.
     */
    public record Simple(
            @DefaultValue("simple") @NotNull @Pattern(regexp = TaskServerProperties.REGION_ID_PATTERN,
                    message = "must be a lowercase name such as 'simple', but was '${validatedValue}'") String name,
            @Nullable @Pattern(regexp = "\\S+", message = "must not be blank") String model,
            @DefaultValue("1000") @Positive int maxDepth,
            @DefaultValue("2") @Positive int minWorkers,
            @DefaultValue("8") @Positive int maxWorkers,
            @DefaultValue("3") @Positive int maxAttempts,
            @DefaultValue("60s") @NotNull @DurationMin(millis = 1) Duration retryDelay,
            @DefaultValue("10m") @NotNull @DurationMin(millis = 1) Duration maxRetryDelay,
            @Nullable @DurationMin(millis = 1) Duration taskTimeout) {

        /**
         * Checks what bean validation cannot express.
         *
         * @throws IllegalArgumentException if min-workers exceeds max-workers
         */
        public Simple {
            if (minWorkers > maxWorkers) {
                throw new IllegalArgumentException(PREFIX + ".simple.min-workers must not exceed max-workers ("
                        + maxWorkers + "), but was " + minWorkers);
            }
        }
    }

    /**
     * The complex queue: its pool has a fixed number of workers, as many as the GPU serves at once.
     *
     * @param name          Name of the queue, as clients send it in kind and see it in queue.
     * @param model         Model its tasks ask when the request names none, such as qwen3:14b;
 *                      meridian.model.tiers.complex.model, when set, takes precedence.
     * @param maxDepth      Most tasks that may wait in it; a submit beyond is refused with 429 queue_full.
     * @param workers       Workers of the pool: how many tasks run at once.
     * @param maxAttempts   Attempts a task gets; after the last failed one it is dead-lettered.
     * @param retryDelay    Back-off before the second attempt; doubled for each further one, with jitter.
     * @param maxRetryDelay Longest back-off between two attempts.
     * @param taskTimeout   Longest an attempt may run before it is stopped and counted as failed;
     *                      meridian.model.timeout when unset.
     */
    public record Complex(
            @DefaultValue("complex") @NotNull @Pattern(regexp = TaskServerProperties.REGION_ID_PATTERN,
                    message = "must be a lowercase name such as 'complex', but was '${validatedValue}'") String name,
            @DefaultValue("qwen3:14b") @NotBlank String model,
            @DefaultValue("200") @Positive int maxDepth,
            @DefaultValue("2") @Positive int workers,
            @DefaultValue("3") @Positive int maxAttempts,
            @DefaultValue("120s") @NotNull @DurationMin(millis = 1) Duration retryDelay,
            @DefaultValue("20m") @NotNull @DurationMin(millis = 1) Duration maxRetryDelay,
            @Nullable @DurationMin(millis = 1) Duration taskTimeout) {
    }
}
