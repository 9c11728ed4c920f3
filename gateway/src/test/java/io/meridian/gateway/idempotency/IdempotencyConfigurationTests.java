package io.meridian.gateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.gateway.GatewayConfigException;
import io.meridian.gateway.redis.SharedRedis;
import io.meridian.gateway.redis.SharedRedisProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;

/** Which store holds key owners, and the time to live it will not take. */
class IdempotencyConfigurationTests {

    static KeyOwnership ownership(Duration ttl, String redisUrl) {
        DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
        if (!redisUrl.isEmpty()) {
            beans.registerSingleton("sharedRedis", new SharedRedis(redisUrl, "idempotency key owners"));
        }
        return new IdempotencyConfiguration().keyOwnership(new IdempotencyProperties(true, ttl, 100),
                new SharedRedisProperties(redisUrl, Duration.ofMillis(250), true), beans.getBeanProvider(SharedRedis.class),
                beans.getBeanProvider(MeterRegistry.class));
    }

    @Test
    void withoutASharedRedisOwnersStayInThisGatewaysMemory() {
        assertThat(ownership(Duration.ofHours(1), "")).isInstanceOf(LocalKeyOwnership.class);
    }

    @Test
    void withASharedRedisOwnersAreKeptThere() {
        KeyOwnership ownership = ownership(Duration.ofHours(1), "redis://127.0.0.1:1");
        try {
            assertThat(ownership).isInstanceOf(RedisKeyOwnership.class);
        } finally {
            ((RedisKeyOwnership) ownership).close();
        }
    }

    @Test
    void aTimeToLiveThatIsNotPositiveStopsStartUpNamingTheProperty() {
        assertThatThrownBy(() -> ownership(Duration.ZERO, ""))
                .isInstanceOf(GatewayConfigException.class)
                .hasMessageStartingWith("meridian.idempotency.ttl: must be positive");
    }
}
