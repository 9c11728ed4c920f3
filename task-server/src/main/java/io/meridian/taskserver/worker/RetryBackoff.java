package io.meridian.taskserver.worker;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How long a failed task waits before its next attempt.
 *
 * <p>Design note: exponential back-off with "equal jitter". After attempt {@code n} fails, the
 * ceiling is {@code retryDelay * 2^(n-1)}, capped at {@code maxRetryDelay}; the delay is half the
 * ceiling plus a uniform random share of the other half. The doubling gives a struggling model
 * server room to recover; the jitter spreads the retries of tasks that failed together (a model
 * server restart fails a whole batch at once) so they do not return as one wave; keeping half the
 * ceiling fixed guarantees each retry waits at least that long, unlike "full jitter", whose delay
 * can be near zero. The random generator is injected (seeded in tests) so delays can be asserted.
 */
final class RetryBackoff {

    private final Duration retryDelay;

    private final Duration maxRetryDelay;

    private final RandomGenerator random;

    RetryBackoff(Duration retryDelay, Duration maxRetryDelay, RandomGenerator random) {
        this.retryDelay = retryDelay;
        this.maxRetryDelay = maxRetryDelay;
        this.random = random;
    }

    /**
     * The delay after a failed attempt.
     *
     * @param failedAttempt the number of the attempt that failed, from 1
     * @return a delay within [ceiling / 2, ceiling], see the class comment
     */
    Duration delayAfter(int failedAttempt) {
        long ceiling = ceilingMillis(failedAttempt);
        long fixed = ceiling / 2;
        return Duration.ofMillis(fixed + random.nextLong(ceiling - fixed + 1));
    }

    long ceilingMillis(int failedAttempt) {
        long cap = maxRetryDelay.toMillis();
        long ceiling = retryDelay.toMillis();
        for (int i = 1; i < failedAttempt && ceiling < cap; i++) {
            ceiling *= 2;
        }
        return Math.min(ceiling, cap);
    }
}
