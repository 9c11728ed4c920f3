package io.meridian.gateway.redis;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * The one {@link SharedRedis} of a gateway, when {@code meridian.redis.url} is set: rate limits,
 * budgets and idempotency key owners all use its connection.
 */
@Configuration(proxyBeanMethods = false)
public class SharedRedisConfiguration {

    @Bean(destroyMethod = "close")
    @Conditional(RedisConfigured.class)
    SharedRedis sharedRedis(SharedRedisProperties properties) {
        return new SharedRedis(properties.url(), "rate limits, budgets and idempotency keys");
    }

    @Bean
    SharedRedisHealthIndicator sharedRedisHealthIndicator(ObjectProvider<SharedRedis> redis,
            SharedRedisProperties properties) {
        return new SharedRedisHealthIndicator(redis.getIfAvailable(), properties.requiredForReadiness());
    }

    /** Matches when {@code meridian.redis.url} has text (an empty value means no shared Redis). */
    public static final class RedisConfigured implements Condition {

        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return StringUtils.hasText(context.getEnvironment().getProperty(SharedRedisProperties.PREFIX + ".url"));
        }
    }
}
