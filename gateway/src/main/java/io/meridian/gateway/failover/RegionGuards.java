package io.meridian.gateway.failover;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.meridian.region.Region;
import io.meridian.region.RegionCatalog;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Resilience4j circuit breaker and one bulkhead per region.
 *
 * <p>Design note: the breaker is count-based over the last {@code slidingWindowSize} attempts and
 * judges both failures and slow answers, because a region that answers in a minute is as useless
 * to an interactive client as one that does not answer. Outcomes are recorded by the forwarding
 * filter at the moment an attempt's fate is known (headers arrived, or the attempt failed), not
 * when a long streamed body ends. The breaker reads time only from the injected {@link Clock},
 * so tests move it through open → half-open → closed without waiting. The bulkhead never waits
 * for a permit: a full region is skipped at once, which is what spill-over wants.
 *
 * <p>Slow calls. Resilience4j has one slow-call threshold per breaker, but whether a call is slow
 * depends on its kind: a minute is slow for a task read and fast for a model call its region may
 * take ten minutes over. So the attempt decides slowness itself (past
 * {@code slow-call-share} of its own answer deadline, {@link CallDeadlines}) and records a duration
 * clamped to the right side of the breaker's fixed {@link #SLOW_MARK}: {@link #recordedMillis}
 * gives a slow call at least the mark plus one millisecond and a call in time less than the mark.
 * The breaker's own judgement then agrees with the attempt's, its slow-call rate means "share of
 * calls past their deadline's share", and no duration the breaker sees is used anywhere else (the
 * attempt timers record the real ones).
 */
public final class RegionGuards {

    /** The breaker's slow-call threshold; durations are recorded on its far side by the attempt's own verdict. */
    static final Duration SLOW_MARK = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(RegionGuards.class);

    private final Map<String, CircuitBreaker> breakers;
    private final Map<String, Bulkhead> bulkheads;

    public RegionGuards(RegionCatalog catalog, CircuitBreakerProperties circuit, BulkheadProperties bulkhead, Clock clock) {
        if (circuit.slowCallDuration() != null) {
            log.warn("{}.slow-call-duration ({}) is ignored: a call is slow past {}.slow-call-share ({}) of its own "
                    + "answer deadline (meridian.failover.deadlines); remove the setting", CircuitBreakerProperties.PREFIX,
                    circuit.slowCallDuration(), CircuitBreakerProperties.PREFIX, circuit.slowCallShare());
        }
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .failureRateThreshold(circuit.failureRateThreshold())
                .slowCallRateThreshold(circuit.slowCallRateThreshold())
                .slowCallDurationThreshold(SLOW_MARK)
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(circuit.slidingWindowSize())
                .minimumNumberOfCalls(circuit.minimumNumberOfCalls())
                .waitDurationInOpenState(circuit.waitInOpenState())
                .permittedNumberOfCallsInHalfOpenState(circuit.permittedCallsInHalfOpenState())
                .clock(clock)
                .currentTimestampFunction(Clock::millis, TimeUnit.MILLISECONDS)
                .build();
        Map<String, CircuitBreaker> circuits = new LinkedHashMap<>();
        Map<String, Bulkhead> heads = new LinkedHashMap<>();
        for (Region region : catalog.regions()) {
            circuits.put(region.id(), CircuitBreaker.of("region-" + region.id(), config));
            int max = bulkhead.maxConcurrent() == null ? region.capacity() : bulkhead.maxConcurrent();
            heads.put(region.id(), Bulkhead.of("region-" + region.id(), BulkheadConfig.custom()
                    .maxConcurrentCalls(max)
                    .maxWaitDuration(Duration.ZERO)
                    .build()));
        }
        this.breakers = Map.copyOf(circuits);
        this.bulkheads = Map.copyOf(heads);
    }

    /**
     * The duration to record with the breaker for an attempt of {@code elapsed} milliseconds that was
     * (or was not) slow by its own deadline: on the matching side of {@link #SLOW_MARK}.
     */
    static long recordedMillis(long elapsed, boolean slow) {
        long mark = SLOW_MARK.toMillis();
        return slow ? Math.max(elapsed, mark + 1) : Math.min(elapsed, mark - 1);
    }

    /** The region's circuit breaker. */
    public CircuitBreaker circuit(Region region) {
        return breakers.get(region.id());
    }

    /** The region's bulkhead. */
    public Bulkhead bulkhead(Region region) {
        return bulkheads.get(region.id());
    }

    /** Whether the region's circuit currently refuses attempts (open or forced open). */
    public boolean circuitOpen(Region region) {
        CircuitBreaker breaker = circuit(region);
        CircuitBreaker.State state = breaker.getState();
        if (state == CircuitBreaker.State.OPEN && breaker.tryAcquirePermission()) {
            // A breaker leaves OPEN only when it is asked for a permission after its wait, and a
            // region whose circuit is open is ordered behind every usable one, so while another
            // region answers nobody would ask it again: the region would stay shunned after it
            // recovered. Asking here moves it to HALF_OPEN once the wait is over (the permission is
            // given back at once), and its probes then decide.
            breaker.releasePermission();
            return false;
        }
        return state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN;
    }

    /** Requests the gateway has in flight to the region right now. */
    public int inFlight(Region region) {
        Bulkhead.Metrics metrics = bulkhead(region).getMetrics();
        return metrics.getMaxAllowedConcurrentCalls() - metrics.getAvailableConcurrentCalls();
    }
}
