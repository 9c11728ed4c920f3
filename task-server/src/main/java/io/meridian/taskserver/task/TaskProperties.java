package io.meridian.taskserver.task;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How tasks are accepted, classified, awaited and kept ({@value #PREFIX}.*).
 *
 * <p>The {@code @param} lines below become the IDE hints for these properties, hence plain text.
 *
 * @param resultTtl          How long a finished task, its result and its idempotency key are kept;
 *                           then GET answers 404.
 * @param syncWait           How long POST /process waits for its task before answering 202 with the
 *                           task id instead of 200 with the answer.
 * @param complexQueryLength Query length, in characters, from which a request that names neither
 *                           kind nor a queue's model goes to the complex queue.
 * @param maxFinishedInMemory With queues in memory: the most finished tasks kept. Beyond it the
 *                           oldest are forgotten before their result TTL (GET answers 404, a repeat
 *                           of the idempotency key runs again), counted by meridian.tasks.forgotten;
 *                           without it memory grows with throughput times the TTL. With Redis,
 *                           finished tasks live in Redis for the whole TTL.
 */
@ConfigurationProperties(TaskProperties.PREFIX)
@Validated
public record TaskProperties(
        @DefaultValue("1h") @NotNull @DurationMin(millis = 1) Duration resultTtl,
        @DefaultValue("30s") @NotNull @DurationMin(millis = 0) Duration syncWait,
        @DefaultValue("2000") @Positive int complexQueryLength,
        @DefaultValue("100000") @Positive int maxFinishedInMemory) {

    /** Prefix of these properties. */
    public static final String PREFIX = "meridian.tasks";
}
