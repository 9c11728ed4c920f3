package io.meridian.gateway.geo;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The diagnostic endpoint {@code GET /meridian/locate?ip=…}.
 *
 * @param enabled whether it is served; off by default because it tells anyone how the gateway sees an address
 */
@ConfigurationProperties(LocateProperties.PREFIX)
public record LocateProperties(@DefaultValue("false") boolean enabled) {

    public static final String PREFIX = "meridian.locate";
}
