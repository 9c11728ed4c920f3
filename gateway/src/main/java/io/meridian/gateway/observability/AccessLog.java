package io.meridian.gateway.observability;

import io.meridian.gateway.routing.GeoRoutingFilter;
import io.meridian.gateway.routing.RoutingDecision;
import io.meridian.gateway.tenant.Tenant;
import io.micrometer.tracing.Span;
import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;

/**
 * One line per request on the {@value #LOGGER} logger, at INFO. The message reads on its own
 * ({@code POST /process 200 3.1 ms region=eu-central failovers=0}); every value is also a
 * key-value pair, so structured logging ({@code logging.structured.format.console=ecs} or
 * {@code logstash}) writes each as a JSON field: {@code method}, {@code path}, {@code status},
 * {@code durationMs}, {@code region}, {@code failovers}, {@code clientIp}, {@code country},
 * {@code tenant}, {@code traceId} and {@code spanId}.
 *
 * <p>The path is logged without its query string, which may carry secrets; bodies and API keys
 * never are. A request whose client went away before the answer is logged with status
 * {@value TelemetryHandlerDecorator#CLIENT_CLOSED}.
 */
final class AccessLog {

    /** The logger the lines go to. */
    static final String LOGGER = "meridian.access";

    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    void write(RequestTelemetry telemetry, ServerHttpRequest request, int status, @Nullable String region,
            @Nullable String failovers, boolean cancelled) {
        if (!log.isInfoEnabled()) {
            return;
        }
        long micros = (System.nanoTime() - telemetry.startNanos()) / 1_000;
        double millis = micros / 1_000.0;
        String method = request.getMethod().name();
        String path = request.getPath().value();
        ServerWebExchange exchange = telemetry.exchange();
        RoutingDecision decision = exchange == null ? null : exchange.getAttribute(GeoRoutingFilter.DECISION_ATTR);
        Tenant tenant = exchange == null ? null : exchange.getAttribute(Tenant.ATTRIBUTE);
        String clientIp = decision != null ? decision.client().address().getHostAddress() : remoteAddress(request);
        String country = decision != null ? decision.location().countryCode() : null;
        StringBuilder message = new StringBuilder(96)
                .append(method).append(' ').append(path).append(' ').append(status).append(' ')
                .append(millis).append(" ms");
        if (region != null) {
            message.append(" region=").append(region);
        }
        if (failovers != null) {
            message.append(" failovers=").append(failovers);
        }
        if (cancelled) {
            message.append(" (client closed)");
        }
        LoggingEventBuilder line = log.atInfo()
                .setMessage(message.toString())
                .addKeyValue("method", method)
                .addKeyValue("path", path)
                .addKeyValue("status", status)
                .addKeyValue("durationMs", millis);
        if (region != null) {
            line = line.addKeyValue("region", region);
        }
        if (failovers != null) {
            line = line.addKeyValue("failovers", failovers);
        }
        if (clientIp != null) {
            line = line.addKeyValue("clientIp", clientIp);
        }
        if (country != null) {
            line = line.addKeyValue("country", country);
        }
        if (tenant != null) {
            line = line.addKeyValue("tenant", tenant.id());
        }
        Span span = telemetry.span();
        if (span != null) {
            line = line.addKeyValue("traceId", span.context().traceId())
                    .addKeyValue("spanId", span.context().spanId());
        }
        line.log();
    }

    private static @Nullable String remoteAddress(ServerHttpRequest request) {
        InetSocketAddress remote = request.getRemoteAddress();
        return remote == null || remote.getAddress() == null ? null : remote.getAddress().getHostAddress();
    }
}
