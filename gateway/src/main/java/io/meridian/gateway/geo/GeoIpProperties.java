package io.meridian.gateway.geo;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The GeoIP database that locates clients.
 *
 * @param database       {@code bundled} (the country database shipped with Meridian) or the path of any
 *                       MaxMind-format file: GeoIP2/GeoLite2 City or Country, DB-IP Lite, ip-location-db.
 *                       It is read into memory; a database without location data (ASN, ISP) is refused
 * @param cacheSize      addresses whose location is kept in memory
 * @param reloadInterval how often the file is checked for replacement (renamed over, or rewritten in place);
 *                       0 turns hot reloading off
 */
@Validated
@ConfigurationProperties(GeoIpProperties.PREFIX)
public record GeoIpProperties(
        @DefaultValue("bundled") @NotBlank String database,
        @DefaultValue("100000") @Min(0) long cacheSize,
        @DefaultValue("10s") Duration reloadInterval) {

    public static final String PREFIX = "meridian.geoip";
}
