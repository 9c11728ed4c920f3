package io.meridian.gateway.observability;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code meridian.logging.*}: what the gateway logs per request.
 *
 * @param access one access-log line per request on the {@value AccessLog#LOGGER} logger (method,
 *               path without its query, status, region, fail-overs, duration, client, tenant and
 *               trace id); on by default. Its level can also be set like any logger's, with
 *               {@code logging.level.meridian.access}.
 * @param accessFlushInterval the longest an access line waits in its buffer before it is written
 *               (see {@link AccessLogWriter}); {@code 0} writes each line at once, a system call
 *               per request
 */
@ConfigurationProperties("meridian.logging")
public record ObservabilityProperties(
        @DefaultValue("true") boolean access,
        @DefaultValue("200ms") java.time.Duration accessFlushInterval) {
}
