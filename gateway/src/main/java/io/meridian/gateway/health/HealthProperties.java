package io.meridian.gateway.health;

import io.meridian.gateway.GatewayConfigException;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Active health checks of every region endpoint.
 *
 * @param enabled            whether endpoints are checked at all; when off every endpoint counts as healthy
 *                           and live-traffic failures do not mark endpoints down (nothing would bring them back)
 * @param interval           time between two checks of the same endpoint; {@code 0s} stops the schedule
 *                           while keeping passive detection
 * @param timeout            how long one check may take before it counts as a failure
 * @param healthyThreshold   consecutive successful checks that bring a down endpoint back
 * @param unhealthyThreshold consecutive failed checks that take an up endpoint down
 * @param path               path of the readiness endpoint on each task server
 */
@Validated
@ConfigurationProperties(HealthProperties.PREFIX)
public record HealthProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("1s") Duration interval,
        @DefaultValue("1s") Duration timeout,
        @DefaultValue("1") @Min(1) int healthyThreshold,
        @DefaultValue("3") @Min(1) int unhealthyThreshold,
        @DefaultValue("/readyz") @NotBlank String path) {

    public static final String PREFIX = "meridian.health";

    public HealthProperties {
        if (interval.isNegative()) {
            throw new GatewayConfigException(PREFIX + ".interval", "must not be negative, but was " + interval);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new GatewayConfigException(PREFIX + ".timeout", "must be positive, but was " + timeout);
        }
    }
}
