package io.meridian.gateway.redis;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code sharedRedis} health, part of readiness: a gateway configured with a shared Redis is
 * not ready until it has reached it once, since until then it counts alone and a burst sent to it
 * would pass the limits the gateways share. Once it has, it stays ready while Redis is away (each
 * feature's choice then is in the README, "Shared state"), and the details say whether state is
 * shared right now.
 *
 * <p>Without a shared Redis it is always up, and says so.
 */
public final class SharedRedisHealthIndicator implements HealthIndicator {

    private final @Nullable SharedRedis redis;
    private final boolean requiredForReadiness;

    public SharedRedisHealthIndicator(@Nullable SharedRedis redis, boolean requiredForReadiness) {
        this.redis = redis;
        this.requiredForReadiness = requiredForReadiness;
    }

    @Override
    public Health health() {
        if (redis == null) {
            return Health.up().withDetail("shared", "off").build();
        }
        boolean shared = redis.isShared();
        if (!redis.hasConnected() && requiredForReadiness) {
            return Health.outOfService()
                    .withDetail("shared", false)
                    .withDetail("reason", "Redis (" + SharedRedisProperties.PREFIX + ".url) has not answered since this "
                            + "gateway started; until it does, this gateway would count rate limits and budgets alone")
                    .build();
        }
        return Health.up().withDetail("shared", shared).build();
    }
}
