package io.meridian.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoMoreInteractions;

import io.meridian.gateway.client.ClientIpProperties;
import io.meridian.gateway.failover.CircuitBreakerProperties;
import io.meridian.gateway.failover.FailoverProperties;
import io.meridian.gateway.redis.SharedRedisProperties;
import io.meridian.testing.ConfigurationMetadata;
import java.time.Duration;
import java.util.Map;
import org.apache.commons.logging.Log;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

class RenamedPropertiesTests {

    private final Log log = mock(Log.class);

    private StandardEnvironment environment(Map<String, Object> properties) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
        new RenamedProperties(destination -> log).postProcessEnvironment(environment, new SpringApplication());
        return environment;
    }

    @Test
    void theOldTrustedProxiesNameStillBindsAndWarnsOnce() {
        StandardEnvironment environment = environment(Map.of(
                "meridian.trusted-proxies[0]", "10.0.0.0/8", "meridian.trusted-proxies[1]", "192.168.0.0/16"));

        ClientIpProperties bound = Binder.get(environment).bind(ClientIpProperties.PREFIX, ClientIpProperties.class).get();

        assertThat(bound.trustedProxies()).containsExactly("10.0.0.0/8", "192.168.0.0/16");
        verify(log).warn("Property 'meridian.trusted-proxies' is deprecated: use 'meridian.client.trusted-proxies'"
                + " (the old name still works for now)");
        verifyNoMoreInteractions(log);
    }

    @Test
    void theOldCircuitBreakerNamesStillBindUnderFailover() {
        StandardEnvironment environment = environment(Map.of(
                "meridian.circuit-breaker.wait-in-open-state", "42s", "meridian.circuit-breaker.sliding-window-size", "7"));

        CircuitBreakerProperties bound = Binder.get(environment)
                .bind(CircuitBreakerProperties.PREFIX, CircuitBreakerProperties.class).get();

        assertThat(bound.waitInOpenState()).isEqualTo(Duration.ofSeconds(42));
        assertThat(bound.slidingWindowSize()).isEqualTo(7);
        verify(log).warn("Property 'meridian.circuit-breaker.wait-in-open-state' is deprecated: use "
                + "'meridian.failover.circuit-breaker.wait-in-open-state' (the old name still works for now)");
        verify(log).warn("Property 'meridian.circuit-breaker.sliding-window-size' is deprecated: use "
                + "'meridian.failover.circuit-breaker.sliding-window-size' (the old name still works for now)");
        verifyNoMoreInteractions(log);
    }

    @Test
    void theOldAttemptTimeoutIsReadAsTheTakeDeadline() {
        StandardEnvironment environment = environment(Map.of("meridian.failover.attempt-timeout", "4s"));

        FailoverProperties bound = Binder.get(environment).bind(FailoverProperties.PREFIX, FailoverProperties.class).get();

        assertThat(bound.deadlines().take()).isEqualTo(Duration.ofSeconds(4));
        assertThat(bound.deadlines().sync().ceiling()).as("the other deadlines keep their defaults")
                .isEqualTo(Duration.ofMinutes(10));
        verify(log).warn("Property 'meridian.failover.attempt-timeout' is deprecated: use "
                + "'meridian.failover.deadlines.take' (the old name still works for now)");
        verifyNoMoreInteractions(log);
    }

    @Test
    void anOldNameInAnEnvironmentVariableStillBinds() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        Map.of("MERIDIAN_AUTH_REDIS_URL", "redis://redis:6379")));
        new RenamedProperties(destination -> log).postProcessEnvironment(environment, new SpringApplication());

        SharedRedisProperties bound = Binder.get(environment)
                .bind(SharedRedisProperties.PREFIX, SharedRedisProperties.class).get();

        assertThat(bound.url()).isEqualTo("redis://redis:6379");
        verify(log).warn("Property 'meridian.auth.redis-url' is deprecated: use 'meridian.redis.url'"
                + " (the old name still works for now)");
    }

    @Test
    void theNewNameWinsOverTheOldOneWhichIsReportedAsIgnored() {
        StandardEnvironment environment = environment(Map.of(
                "meridian.redis.url", "redis://new:6379", "meridian.rate-limit.redis-url", "redis://old:6379"));

        assertThat(environment.getProperty("meridian.redis.url")).isEqualTo("redis://new:6379");
        verify(log).warn("Property 'meridian.rate-limit.redis-url' is ignored: it was renamed 'meridian.redis.url',"
                + " which is set too");
        verifyNoMoreInteractions(log);
    }

    @Test
    void theTwoOldRedisNamesLeadToOneSharedRedisAndTheFirstWins() {
        StandardEnvironment environment = environment(Map.of(
                "meridian.auth.redis-url", "redis://budgets:6379", "meridian.rate-limit.redis-url", "redis://buckets:6379"));

        assertThat(environment.getProperty("meridian.redis.url")).isEqualTo("redis://budgets:6379");
        verify(log).warn("Property 'meridian.rate-limit.redis-url' is ignored: it was renamed 'meridian.redis.url',"
                + " which is set too");
    }

    @Test
    void nothingIsLoggedOrAddedWhenOnlyNewNamesAreSet() {
        StandardEnvironment environment = environment(Map.of("meridian.client.trusted-proxies", "10.0.0.0/8"));

        assertThat(environment.getPropertySources().contains(RenamedProperties.SOURCE_NAME)).isFalse();
        verifyNoMoreInteractions(log);
    }

    @Test
    void everyOldNameIsDeclaredDeprecatedInTheMetadataWithItsReplacement() {
        assertThat(ConfigurationMetadata.deprecatedNamesWithTheirReplacements()).isEqualTo(RenamedProperties.RENAMED);
    }
}
