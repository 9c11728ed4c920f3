package io.meridian.gateway.affinity;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Replica choice inside a region.
 *
 * @param loadFactor   how far above the average outstanding requests one replica may go before a session's
 *                     requests overflow to the next replica on the ring (1.25 = 25 % above average)
 * @param virtualNodes points per replica on the consistent-hash ring
 */
@Validated
@ConfigurationProperties(AffinityProperties.PREFIX)
public record AffinityProperties(
        @DefaultValue("1.25") @DecimalMin("1.0") double loadFactor,
        @DefaultValue("160") @Min(1) int virtualNodes) {

    public static final String PREFIX = "meridian.affinity";
}
