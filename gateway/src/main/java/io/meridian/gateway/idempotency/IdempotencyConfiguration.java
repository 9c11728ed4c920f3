package io.meridian.gateway.idempotency;

import com.github.benmanes.caffeine.cache.Ticker;
import io.meridian.gateway.GatewayConfigException;
import io.meridian.gateway.redis.SharedRedis;
import io.meridian.gateway.redis.SharedRedisProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = IdempotencyProperties.PREFIX + ".enabled", matchIfMissing = true)
class IdempotencyConfiguration {

    private static final Logger log = LoggerFactory.getLogger(IdempotencyConfiguration.class);

    @Bean
    @ConditionalOnMissingBean
    KeyOwnership keyOwnership(IdempotencyProperties properties, SharedRedisProperties redis,
            ObjectProvider<SharedRedis> shared, ObjectProvider<MeterRegistry> meters) {
        if (properties.ttl().isNegative() || properties.ttl().isZero()) {
            throw new GatewayConfigException(IdempotencyProperties.PREFIX + ".ttl",
                    "must be positive, at least as long as the regions keep a task's result (1h by default), but is "
                            + properties.ttl());
        }
        LocalKeyOwnership local = new LocalKeyOwnership(properties.ttl(), properties.maxLocalKeys(), Ticker.systemTicker());
        SharedRedis connection = shared.getIfAvailable();
        if (connection == null) {
            log.warn("Idempotency key owners are kept in this gateway's memory only ({} is not set): another gateway "
                    + "may send the same key to another region, so behind several gateways a keyed request may run "
                    + "twice", SharedRedisProperties.PREFIX + ".url");
            return local;
        }
        return new RedisKeyOwnership(connection, properties.ttl(),
                redis.timeout(), local, meters.getIfAvailable(SimpleMeterRegistry::new));
    }
}
