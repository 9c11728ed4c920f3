package io.meridian.gateway.ratelimit;

import com.github.benmanes.caffeine.cache.Ticker;
import io.meridian.gateway.client.ClientIpResolver;
import io.meridian.gateway.redis.SharedRedis;
import io.meridian.gateway.redis.SharedRedisProperties;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = RateLimitProperties.PREFIX + ".enabled", matchIfMissing = true)
class RateLimitConfiguration {

    @Bean
    @ConditionalOnMissingBean
    RateLimiter rateLimiter(RateLimitProperties properties, SharedRedisProperties redis, ObjectProvider<SharedRedis> shared) {
        LocalRateLimiter local = new LocalRateLimiter(properties.requestsPerSecond(), properties.burst(),
                properties.maxClients(), Ticker.systemTicker());
        SharedRedis connection = shared.getIfAvailable();
        if (connection == null) {
            return local;
        }
        return new RedisRateLimiter(connection, properties.requestsPerSecond(), properties.burst(),
                redis.timeout(), local);
    }

    @Bean
    RateLimitFilter rateLimitFilter(RateLimiter limiter, ClientIpResolver resolver, RateLimitProperties properties) {
        return new RateLimitFilter(limiter, resolver, properties.requestsPerSecond(), properties.burst(),
                properties.ipv4PrefixLength(), properties.ipv6PrefixLength());
    }
}
