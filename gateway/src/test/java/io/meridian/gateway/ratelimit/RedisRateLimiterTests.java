package io.meridian.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import io.meridian.testing.TestRedis;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/** Against a real Redis: two gateways sharing it share each client's limit. */
class RedisRateLimiterTests {

    static RedisRateLimiter gateway(String url) {
        return new RedisRateLimiter(url, 0.5, 5, Duration.ofSeconds(2),
                new LocalRateLimiter(0.5, 5, 1_000, Ticker.systemTicker()));
    }

    static long allowed(RedisRateLimiter limiter, String client, int requests) {
        return Flux.range(0, requests).concatMap(i -> limiter.acquire(client))
                .filter(RateLimitDecision::allowed).count().block(Duration.ofSeconds(10));
    }

    @Test
    void twoGatewaysSharingRedisTogetherAllowOnlyOneBurst() {
        String url = TestRedis.url();
        try (RedisRateLimiter first = gateway(url); RedisRateLimiter second = gateway(url)) {
            String client = "ip:203.0.113." + UUID.randomUUID();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> connected(first) && connected(second));

            long total = allowed(first, client, 4) + allowed(second, client, 4);

            assertThat(total).isEqualTo(5);
            RateLimitDecision refused = second.acquire(client).block(Duration.ofSeconds(5));
            assertThat(refused.allowed()).isFalse();
            assertThat(refused.retryAfterSeconds()).isBetween(1L, 2L);
        }
    }

    @Test
    void anUnreachableRedisFallsBackToThisGatewaysOwnLimits() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (RedisRateLimiter limiter = gateway("redis://127.0.0.1:" + closedPort)) {
            assertThat(allowed(limiter, "ip:198.51.100.1", 8)).isEqualTo(5);
        }
    }

    /** Waits for the background connection by asking until a decision comes from Redis itself. */
    static boolean connected(RedisRateLimiter limiter) {
        limiter.acquire("warm-up-" + UUID.randomUUID()).block(Duration.ofSeconds(5));
        return limiter.isShared();
    }
}
