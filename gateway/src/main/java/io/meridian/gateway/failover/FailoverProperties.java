package io.meridian.gateway.failover;

import io.meridian.gateway.GatewayConfigException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * How a request moves on to the next region when one fails.
 *
 * @param attemptTimeout  how long one region may take to start answering (status and headers), counted
 *                        from the moment the request has been sent to it, before the gateway gives up
 *                        on it; generous because models are slow
 * @param connectTimeout  how long opening a connection to a region may take
 * @param maxBufferedBody largest request body kept in memory so that it can be re-sent to another
 *                        region; a larger body is streamed to one region and never re-sent
 * @param maxIdleTime     how long a pooled connection to a region may sit idle; keep it below the
 *                        regions' keep-alive timeout so the gateway never reuses a connection the
 *                        region is closing
 * @param retryAfter      the Retry-After given to clients when no region can take a request
 * @param retryBudget     how many retries may run at once
 */
@Validated
@ConfigurationProperties(FailoverProperties.PREFIX)
public record FailoverProperties(
        @DefaultValue("10s") Duration attemptTimeout,
        @DefaultValue("2s") Duration connectTimeout,
        @DefaultValue("1MB") DataSize maxBufferedBody,
        @DefaultValue("30s") Duration maxIdleTime,
        @DefaultValue("5s") Duration retryAfter,
        @DefaultValue @Valid RetryBudget retryBudget) {

    public static final String PREFIX = "meridian.failover";

    public FailoverProperties {
        positive("attempt-timeout", attemptTimeout);
        positive("connect-timeout", connectTimeout);
        positive("max-idle-time", maxIdleTime);
        if (retryAfter.toSeconds() < 1) {
            throw new GatewayConfigException(PREFIX + ".retry-after", "must be at least 1s, but was " + retryAfter);
        }
        if (maxBufferedBody.toBytes() < 0) {
            throw new GatewayConfigException(PREFIX + ".max-buffered-body", "must not be negative, but was " + maxBufferedBody);
        }
    }

    private static void positive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new GatewayConfigException(PREFIX + "." + name, "must be positive, but was " + value);
        }
    }

    /**
     * Envoy-style retry budget: concurrent retries are capped at a share of concurrent requests.
     *
     * @param ratio      retries (attempts after a request's first) allowed per active request
     * @param minRetries retries always allowed at once, so that a quiet gateway can still fail over
     */
    public record RetryBudget(
            @DefaultValue("0.2") @DecimalMin("0.0") @DecimalMax("1.0") double ratio,
            @DefaultValue("10") @Min(0) int minRetries) {
    }
}
