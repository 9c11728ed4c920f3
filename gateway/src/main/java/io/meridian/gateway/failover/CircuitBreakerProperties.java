package io.meridian.gateway.failover;

import io.meridian.gateway.GatewayConfigException;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * One circuit breaker per region, over the outcome of every forwarding attempt. A failure is a
 * connect failure, a reset or early close, an attempt timeout, or a 502/503/504 answer.
 *
 * @param failureRateThreshold   percentage of failed attempts in the window that opens the circuit
 * @param slowCallRateThreshold  percentage of slow attempts in the window that opens the circuit
 * @param slowCallShare          an attempt is slow when its answer starts later than this share of its
 *                               own answer deadline ({@code meridian.failover.deadlines}): a minute is
 *                               slow for a task read, not for a model call its region may take ten
 *                               minutes over
 * @param slowCallDuration       deprecated and ignored (a warning at start-up when set): slowness is
 *                               relative to each call's deadline, see {@code slow-call-share}
 * @param slidingWindowSize      attempts in the count-based window the rates are computed over
 * @param minimumNumberOfCalls   attempts needed in the window before the rates are judged
 * @param waitInOpenState        how long an open circuit refuses attempts before it lets probes through
 * @param permittedCallsInHalfOpenState probe attempts let through in half-open state; their outcome
 *                               closes the circuit again or re-opens it
 */
@Validated
@ConfigurationProperties(CircuitBreakerProperties.PREFIX)
public record CircuitBreakerProperties(
        @DefaultValue("50") @DecimalMin("1") @DecimalMax("100") float failureRateThreshold,
        @DefaultValue("100") @DecimalMin("1") @DecimalMax("100") float slowCallRateThreshold,
        @DefaultValue("0.8") @DecimalMin("0.01") @DecimalMax("1.0") double slowCallShare,
        @Nullable Duration slowCallDuration,
        @DefaultValue("20") @Min(1) int slidingWindowSize,
        @DefaultValue("10") @Min(1) int minimumNumberOfCalls,
        @DefaultValue("10s") Duration waitInOpenState,
        @DefaultValue("3") @Min(1) int permittedCallsInHalfOpenState) {

    public static final String PREFIX = "meridian.failover.circuit-breaker";

    public CircuitBreakerProperties {
        if (slowCallShare <= 0 || slowCallShare > 1) {
            throw new GatewayConfigException(PREFIX + ".slow-call-share", "must be above 0 and at most 1, but was "
                    + slowCallShare);
        }
        if (waitInOpenState.isNegative() || waitInOpenState.isZero()) {
            throw new GatewayConfigException(PREFIX + ".wait-in-open-state", "must be positive, but was " + waitInOpenState);
        }
    }
}
