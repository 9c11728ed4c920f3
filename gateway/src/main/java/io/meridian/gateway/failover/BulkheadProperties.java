package io.meridian.gateway.failover;

import jakarta.validation.constraints.Min;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * A cap on the requests the gateway has in flight to one region at a time.
 *
 * @param maxConcurrent requests in flight per region; unset means each region's configured
 *                      {@code capacity}. A full region is skipped for the next candidate.
 */
@Validated
@ConfigurationProperties(BulkheadProperties.PREFIX)
public record BulkheadProperties(@Nullable @Min(1) Integer maxConcurrent) {

    public static final String PREFIX = "meridian.failover.bulkhead";
}
