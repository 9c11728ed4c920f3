package io.meridian.gateway.failover;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps concurrent retries at a share of concurrent requests, as Envoy's retry budgets do.
 *
 * <p>Design note: a fixed "retry up to N times" multiplies load by N exactly when regions are
 * failing, which turns one region's trouble into everyone's (a retry storm). A budget scales with
 * traffic instead: with ratio 0.2, at most one request in five may be on a retry at any moment, so
 * failover can add at most 20 % load. The floor {@code minRetries} keeps failover working when
 * traffic is too low for the ratio to allow even one. Counting is two atomic integers; a request
 * that finds the budget spent simply gets no more attempts.
 */
final class RetryBudget {

    private final double ratio;
    private final int minRetries;
    private final AtomicInteger activeRequests = new AtomicInteger();
    private final AtomicInteger activeRetries = new AtomicInteger();

    RetryBudget(double ratio, int minRetries) {
        if (!(ratio >= 0 && ratio <= 1)) {
            throw new IllegalArgumentException("retry budget ratio must be within [0, 1], but was " + ratio);
        }
        if (minRetries < 0) {
            throw new IllegalArgumentException("retry budget min-retries must not be negative, but was " + minRetries);
        }
        this.ratio = ratio;
        this.minRetries = minRetries;
    }

    void requestStarted() {
        activeRequests.incrementAndGet();
    }

    void requestFinished() {
        activeRequests.decrementAndGet();
    }

    /** Takes a retry permit if the budget allows one more retry now; release it with {@link #releaseRetry()}. */
    boolean tryAcquireRetry() {
        while (true) {
            int retries = activeRetries.get();
            if (retries >= limit()) {
                return false;
            }
            if (activeRetries.compareAndSet(retries, retries + 1)) {
                return true;
            }
        }
    }

    void releaseRetry() {
        activeRetries.decrementAndGet();
    }

    /** Retries allowed at once given the requests active now. */
    int limit() {
        return Math.max(minRetries, (int) (ratio * activeRequests.get()));
    }

    int activeRetries() {
        return activeRetries.get();
    }
}
