package io.meridian.gateway.ratelimit;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Per-client token buckets on {@code /process} and {@code /v1/**}. A client is its API key when the
 * request carries one ({@code Authorization: Bearer …} or {@code X-API-Key}), else its address.
 * The buckets are shared across replicas through {@code meridian.redis.url}; without it they stay
 * in this gateway's memory, and while Redis is unreachable each gateway limits on its own.
 *
 * @param enabled           whether requests are limited at all
 * @param requestsPerSecond the rate at which a client's bucket refills
 * @param burst             the bucket's size: how many requests a client may send at once after a pause
 * @param maxClients        buckets kept in memory (least recently used ones are dropped)
 * @param ipv4PrefixLength  network bits that name an IPv4 client without an API key: 32 gives each address
 *                          its own bucket, 24 one bucket per /24
 * @param ipv6PrefixLength  network bits that name an IPv6 client without an API key: 64 (one bucket per /64,
 *                          the least one subscriber is usually given) or shorter for providers that hand out
 *                          /56 or /48; 128 would let one subscriber take unlimited buckets
 */
@Validated
@ConfigurationProperties(RateLimitProperties.PREFIX)
public record RateLimitProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("20") @DecimalMin("0.001") double requestsPerSecond,
        @DefaultValue("40") @Min(1) int burst,
        @DefaultValue("1000000") @Min(1) long maxClients,
        @DefaultValue("32") @Min(8) @Max(32) int ipv4PrefixLength,
        @DefaultValue("64") @Min(32) @Max(128) int ipv6PrefixLength) {

    public static final String PREFIX = "meridian.rate-limit";
}
