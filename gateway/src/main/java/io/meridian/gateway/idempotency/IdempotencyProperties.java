package io.meridian.gateway.idempotency;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Who owns an idempotency key ({@value #PREFIX}.*): the region a keyed request was first sent to,
 * recorded in the Redis of {@code meridian.redis.url} so that every gateway sends the key's
 * re-sends and repeats there; without Redis (or while it is unreachable) in this gateway's memory.
 *
 * @param enabled        whether keyed requests keep to their key's owner region; off, a keyed request
 *                       fails over like any idempotent one (at most to two regions still)
 * @param ttl            how long a key's owner is remembered after its first request: at least as long
 *                       as the regions keep a task's result ({@code meridian.tasks.result-ttl}, 1h), so
 *                       that a repeat finds the first execution's task
 * @param maxLocalKeys   keys kept in this gateway's memory (the fallback, and a copy of its own claims);
 *                       the oldest are dropped beyond it
 */
@Validated
@ConfigurationProperties(IdempotencyProperties.PREFIX)
public record IdempotencyProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("1h") Duration ttl,
        @DefaultValue("100000") @Min(1) long maxLocalKeys) {

    /** Prefix of these properties. */
    public static final String PREFIX = "meridian.idempotency";
}
