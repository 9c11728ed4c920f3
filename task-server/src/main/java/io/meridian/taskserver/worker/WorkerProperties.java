package io.meridian.taskserver.worker;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the worker pools run ({@value #PREFIX}.*); each pool's size and retry policy are its queue's
 * ({@code meridian.queues.*}).
 *
 * <p>The {@code @param} lines below become the IDE hints for these properties, hence plain text.
 *
 * @param tick              How often each pool checks timeouts, heartbeats, retries that are due and
 *                          its size, and expired results are dropped. Submits and finished attempts
 *                          also wake a pool at once.
 * @param scaleDownDelay    How long the backlog must stay below a pool's size before the pool shrinks.
 * @param heartbeatInterval How often a running task's updatedAt is moved, to show it is alive.
 * @param shutdownGrace     How long stopping the server waits for running tasks to finish before
 *                          interrupting them.
 * @param retryJitterSeed   Seed of the random jitter added to retry back-off; unset for a random seed.
 *                          Replicas should not share a seed, or their retries would coincide.
 * @param scalingHold       How long the pools keep from growing after the last request that carried
 *                          X-Meridian-Scaling: hold (the gateways send it while the deployment's spend
 *                          rate is near its ceiling, meridian.pricing.ceiling.*).
 */
@ConfigurationProperties(WorkerProperties.PREFIX)
@Validated
public record WorkerProperties(
        @DefaultValue("100ms") @NotNull @DurationMin(millis = 1) Duration tick,
        @DefaultValue("30s") @NotNull @DurationMin(millis = 0) Duration scaleDownDelay,
        @DefaultValue("5s") @NotNull @DurationMin(millis = 1) Duration heartbeatInterval,
        @DefaultValue("10s") @NotNull @DurationMin(millis = 0) Duration shutdownGrace,
        @Nullable Long retryJitterSeed,
        @DefaultValue("30s") @NotNull @DurationMin(millis = 0) Duration scalingHold) {

    /** Prefix of these properties. */
    public static final String PREFIX = "meridian.workers";
}
