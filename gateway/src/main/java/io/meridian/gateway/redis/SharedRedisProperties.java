package io.meridian.gateway.redis;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The Redis the gateway replicas share ({@value #PREFIX}.*): the per-client rate-limit buckets and
 * the tenants' budgets both live there when it is set.
 *
 * @param url Redis shared by the gateways, such as {@code redis://redis:6379}, so that rate limits and
 *            tenants' budgets hold across replicas; empty: each gateway counts alone (also while
 *            Redis is unreachable)
 * @param timeout how long one Redis call may take before this gateway decides that request alone
 *                (its local limits and budgets), so that a slow Redis never holds a request up
 * @param requiredForReadiness whether a gateway with a shared Redis stays out of readiness until it has reached
 *                Redis once since it started: true, so that a fresh replica never takes a burst while it
 *                counts alone; false lets it serve at once with local limits (a single gateway, say)
 */
@ConfigurationProperties(SharedRedisProperties.PREFIX)
public record SharedRedisProperties(
        @DefaultValue("") String url,
        @DefaultValue("250ms") Duration timeout,
        @DefaultValue("true") boolean requiredForReadiness) {

    /** Prefix of these properties. */
    public static final String PREFIX = "meridian.redis";

    /** Whether a shared Redis is configured at all. */
    public boolean enabled() {
        return !url.isBlank();
    }
}
