package io.meridian.gateway.failover;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.meridian.region.Region;
import java.net.URI;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The permits an attempt needs before it touches the network: the region's circuit breaker, its
 * bulkhead, and, for every attempt after a request's first, one from the {@link RetryBudget}.
 *
 * <p>Design note. A permit taken is a slot someone else cannot have, so each is given back exactly
 * once whatever happens to the attempt: answered, failed, cancelled by the client, or abandoned
 * because the request itself was refused. {@link Held} makes each release idempotent with its own
 * flag, so the attempt runner may release on every path that could be the last without counting.
 * The circuit's permit is given back as a verdict on the region ({@link Held#success},
 * {@link Held#failure}) or, when the attempt ended without one, as no verdict ({@link Held#abandon}).
 */
final class AttemptPermits {

    private final RegionGuards guards;
    private final RetryBudget budget;
    private final EndpointLoad endpointLoad;
    private final Clock clock;

    AttemptPermits(RegionGuards guards, RetryBudget budget, EndpointLoad endpointLoad, Clock clock) {
        this.guards = guards;
        this.budget = budget;
        this.endpointLoad = endpointLoad;
        this.clock = clock;
    }

    /** Why an attempt was not let through. */
    enum Refusal {
        /** The region's circuit refuses attempts: move on to the next region. */
        CIRCUIT_OPEN(FailoverMetrics.CIRCUIT_OPEN),
        /** The region has as many requests in flight as it may: move on to the next region. */
        BULKHEAD_FULL(FailoverMetrics.BULKHEAD_FULL),
        /** The gateway has as many requests on a retry as its budget allows: stop trying. */
        RETRY_BUDGET_SPENT("retry_budget_spent");

        final String tag;

        Refusal(String tag) {
            this.tag = tag;
        }
    }

    /** The result of asking for an attempt's permits. */
    sealed interface Grant permits Held, Refused {
    }

    /** No attempt: nothing is held. */
    record Refused(Refusal refusal) implements Grant {
    }

    /**
     * Takes every permit an attempt at {@code endpoint} of {@code region} needs, or none; the
     * attempt never counts as slow.
     *
     * @param retry whether this is a retry (not the request's first attempt)
     */
    Grant acquire(Region region, URI endpoint, boolean retry) {
        return acquire(region, endpoint, retry, Long.MAX_VALUE);
    }

    /**
     * Takes every permit an attempt at {@code endpoint} of {@code region} needs, or none.
     *
     * @param retry           whether this is a retry (not the request's first attempt)
     * @param slowAfterMillis after how long the attempt counts as slow for the region's circuit
     *                        ({@link RegionGuards#recordedMillis})
     */
    Grant acquire(Region region, URI endpoint, boolean retry, long slowAfterMillis) {
        CircuitBreaker circuit = guards.circuit(region);
        if (!circuit.tryAcquirePermission()) {
            return new Refused(Refusal.CIRCUIT_OPEN);
        }
        Bulkhead bulkhead = guards.bulkhead(region);
        if (!bulkhead.tryAcquirePermission()) {
            circuit.releasePermission();
            return new Refused(Refusal.BULKHEAD_FULL);
        }
        if (retry && !budget.tryAcquireRetry()) {
            circuit.releasePermission();
            bulkhead.onComplete();
            return new Refused(Refusal.RETRY_BUDGET_SPENT);
        }
        return new Held(endpoint, circuit, bulkhead, retry, clock.millis(), slowAfterMillis);
    }

    /** One attempt's permits; each is given back exactly once, whichever release comes first. */
    final class Held implements Grant {

        private final URI endpoint;
        private final CircuitBreaker circuit;
        private final Bulkhead bulkhead;
        private final long start;
        private final long slowAfter;
        private final AtomicBoolean outcomeOpen = new AtomicBoolean(true);
        private final AtomicBoolean bulkheadHeld = new AtomicBoolean(true);
        private final AtomicBoolean retryHeld;

        private Held(URI endpoint, CircuitBreaker circuit, Bulkhead bulkhead, boolean retry, long start, long slowAfter) {
            this.slowAfter = slowAfter;
            this.endpoint = endpoint;
            this.circuit = circuit;
            this.bulkhead = bulkhead;
            this.retryHeld = new AtomicBoolean(retry);
            this.start = start;
            endpointLoad.started(endpoint);
        }

        /** Milliseconds since the permits were taken. */
        long elapsed() {
            return Math.max(0, clock.millis() - start);
        }

        /** The region served: a success for its circuit. */
        void success(long elapsed) {
            if (outcomeOpen.getAndSet(false)) {
                circuit.onSuccess(RegionGuards.recordedMillis(elapsed, elapsed > slowAfter), TimeUnit.MILLISECONDS);
            }
        }

        /** The region failed the attempt: a failure for its circuit. */
        void failure(long elapsed, Throwable error) {
            if (outcomeOpen.getAndSet(false)) {
                circuit.onError(RegionGuards.recordedMillis(elapsed, elapsed > slowAfter), TimeUnit.MILLISECONDS, error);
            }
        }

        /** The attempt ended without an outcome (client gone, request rejected): no verdict on the region, all released. */
        void abandon() {
            if (outcomeOpen.getAndSet(false)) {
                circuit.releasePermission();
            }
            releaseBulkhead();
            releaseRetry();
        }

        /** Gives back the bulkhead's slot (the attempt's connection is done with). */
        void releaseBulkhead() {
            if (bulkheadHeld.getAndSet(false)) {
                endpointLoad.finished(endpoint);
                bulkhead.onComplete();
            }
        }

        /** Gives back the retry budget's permit, if this attempt held one (the attempt's fate is known). */
        void releaseRetry() {
            if (retryHeld.getAndSet(false)) {
                budget.releaseRetry();
            }
        }
    }
}
