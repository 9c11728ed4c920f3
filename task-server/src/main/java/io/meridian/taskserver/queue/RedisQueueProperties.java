package io.meridian.taskserver.queue;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The Redis that holds the region's queues when {@code meridian.queues.backend=redis}
 * ({@value #PREFIX}.*). Every replica of a region points at the same Redis.
 *
 * <p>The {@code @param} lines below become the IDE hints for these properties, hence plain text.
 *
 * @param url            Redis to use, such as redis://redis:6379 or rediss://:password@redis:6380/0.
 *                       Required with the redis backend.
 * @param keyPrefix      First part of every key; the region follows in braces, so a Redis Cluster keeps
 *                       a region's keys in one slot: meridian:{us-east}:stream:simple.
 * @param commandTimeout Longest a Redis command may take before it fails; the worker pools try again on
 *                       their next tick, so an unreachable Redis delays tasks but does not stop them.
 * @param reclaimMargin  Added to a queue's task timeout: how long a task's stream entry must stay idle
 *                       (its worker silent) before another replica takes it over. A live worker re-owns
 *                       its entries on every heartbeat, so this is only reached when a worker is lost.
 * @param replicaTimeout How long a replica may miss its heartbeats (sent every worker tick) before it is
 *                       lost: its running attempts are then taken back and run by another replica. The
 *                       housekeeping lease expires after half of it. Keep it well above the longest GC
 *                       pause and well below the task timeout.
 * @param consumerName   This replica's consumer name in the queues' consumer groups; unset for
 *                       host-pid-random, unique per process. A fixed name lets a restarted replica
 *                       resume its own pending entries at once, but two replicas must never share one.
 */
@ConfigurationProperties(RedisQueueProperties.PREFIX)
@Validated
public record RedisQueueProperties(
        @NotBlank(message = "must be set when meridian.queues.backend=redis, e.g. redis://localhost:6379")
        @Pattern(regexp = "rediss?://.+", message = "must be a redis:// or rediss:// URL, but was '${validatedValue}'")
        String url,
        @DefaultValue("meridian") @NotBlank String keyPrefix,
        @DefaultValue("5s") @NotNull @DurationMin(millis = 1) Duration commandTimeout,
        @DefaultValue("30s") @NotNull @DurationMin(millis = 0) Duration reclaimMargin,
        @DefaultValue("10s") @NotNull @DurationMin(millis = 2) Duration replicaTimeout,
        @Nullable @Pattern(regexp = "[A-Za-z0-9._:-]{1,100}", message = "must be 1 to 100 letters, digits, '.', "
                + "'_', ':' or '-', but was '${validatedValue}'") String consumerName) {

    /** Prefix of these properties. */
    public static final String PREFIX = "meridian.redis";
}
