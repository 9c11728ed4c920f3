package io.meridian.gateway.routing;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How the gateway forwards requests to regions.
 *
 * @param maxBodySize       largest request body accepted; a larger declared Content-Length is a 413
 * @param rankingCacheSize  distinct client locations whose region ranking is kept in memory
 */
@ConfigurationProperties(ProxyProperties.PREFIX)
public record ProxyProperties(
        @DefaultValue("1MB") DataSize maxBodySize,
        @DefaultValue("10000") long rankingCacheSize) {

    public static final String PREFIX = "meridian.proxy";
}
