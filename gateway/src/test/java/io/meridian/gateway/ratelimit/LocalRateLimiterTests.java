package io.meridian.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LocalRateLimiterTests {

    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    final LocalRateLimiter limiter = new LocalRateLimiter(2.0, 3, 1_000, nanos::get);

    void advance(long millis) {
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    @Test
    void aClientMaySpendItsBurstThenWaitsForTheRefill() {
        assertThat(limiter.take("a")).isEqualTo(new RateLimitDecision(true, 2, 1, 0));
        assertThat(limiter.take("a")).isEqualTo(new RateLimitDecision(true, 1, 1, 0));
        assertThat(limiter.take("a")).isEqualTo(new RateLimitDecision(true, 0, 2, 0));

        RateLimitDecision refused = limiter.take("a");
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);

        advance(499);
        assertThat(limiter.take("a").allowed()).isFalse();
        advance(2);
        assertThat(limiter.take("a").allowed()).isTrue();
    }

    @Test
    void clientsHaveTheirOwnBuckets() {
        for (int i = 0; i < 3; i++) {
            limiter.take("greedy");
        }

        assertThat(limiter.take("greedy").allowed()).isFalse();
        assertThat(limiter.take("polite").allowed()).isTrue();
    }

    @Test
    void anIdleBucketRefillsOnlyUpToTheBurst() {
        limiter.take("a");
        advance(3_600_000);

        assertThat(limiter.take("a").remaining()).isEqualTo(2);
    }
}
