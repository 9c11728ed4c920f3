package io.meridian.gateway.observability;

import static io.meridian.protocol.Json.quote;

import io.meridian.gateway.routing.RoutingAttributes;
import io.meridian.gateway.routing.RoutingDecision;
import io.meridian.gateway.tenant.Tenant;
import io.micrometer.tracing.Span;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;

/**
 * One line per request, for the {@value #LOGGER} logger (at INFO; another level for that logger
 * turns it off). The message reads on its own ({@code POST /process 200 3.1 ms region=eu-central
 * failovers=0}); the values are also fields: {@code method}, {@code path}, {@code status},
 * {@code durationMs}, {@code region}, {@code failovers}, {@code clientIp}, {@code country},
 * {@code tenant}, {@code traceId} and {@code spanId}.
 *
 * <p>Lines take the shape of Spring Boot's console output: its text layout, or, under
 * {@code logging.structured.format.console}, the {@code ecs} or {@code logstash} JSON with the
 * fields above added. Those three are written by the gateway itself, through a buffered {@link
 * AccessLogWriter}.
 *
 * <p>Design note: through Logback a line cost about a tenth of the gateway's throughput in the
 * proxy-overhead benchmark (an event, a pattern or JSON layout, a locked write and flush per
 * request). Written directly, a line is one string built on the event loop and copied into a
 * buffer. Any other structured format (say {@code gelf}) goes through Logback, formatted by
 * Spring Boot, at that cost.
 *
 * <p>The path is logged without its query string, which may carry secrets; bodies and API keys
 * never are. A request whose client went away before the answer is logged with status
 * {@value TelemetryHandlerDecorator#CLIENT_CLOSED}.
 */
final class AccessLog {

    /** The logger the lines are for. */
    static final String LOGGER = "meridian.access";

    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    /** How lines are written. */
    enum Format {
        /** Spring Boot's plain console layout. */
        TEXT,
        /** Elastic Common Schema JSON, as Spring Boot's {@code ecs} format. */
        ECS,
        /** Logstash JSON, as Spring Boot's {@code logstash} format. */
        LOGSTASH,
        /** Through Logback and Spring Boot's structured format, whatever it is. */
        LOGBACK;

        /**
         * The format for Spring Boot's {@code logging.structured.format.console}.
         *
         * @param structured the property's value, or {@code null} when unset
         * @return the format
         */
        static Format of(@Nullable String structured) {
            if (structured == null || structured.isBlank()) {
                return TEXT;
            }
            return switch (structured.trim().toLowerCase(Locale.ROOT)) {
                case "ecs" -> ECS;
                case "logstash" -> LOGSTASH;
                default -> LOGBACK;
            };
        }
    }

    private record Stamp(long millis, String text) {
    }

    private final Format format;

    private final String application;

    private final long pid;

    private final @Nullable AccessLogWriter writer;

    private volatile Stamp stamp = new Stamp(Long.MIN_VALUE, "");

    AccessLog(Format format, String application, @Nullable AccessLogWriter writer) {
        this.format = writer == null ? Format.LOGBACK : format;
        this.application = application;
        this.pid = ProcessHandle.current().pid();
        this.writer = writer;
    }

    void write(RequestTelemetry telemetry, ServerHttpRequest request, int status, @Nullable String region,
            @Nullable String failovers, boolean cancelled) {
        if (!log.isInfoEnabled()) {
            return;
        }
        long micros = (System.nanoTime() - telemetry.startNanos()) / 1_000;
        String millis = micros / 1_000 + "." + (char) ('0' + micros / 100 % 10);
        String method = request.getMethod().name();
        String path = request.getPath().value();
        ServerWebExchange exchange = telemetry.exchange();
        RoutingDecision decision = exchange == null ? null : RoutingAttributes.decision(exchange);
        Tenant tenant = exchange == null ? null : exchange.getAttribute(Tenant.ATTRIBUTE);
        String clientIp = decision != null ? decision.client().address().getHostAddress() : remoteAddress(request);
        String country = decision != null ? decision.location().countryCode() : null;
        Span span = telemetry.span();
        String traceId = span == null ? null : span.context().traceId();
        String spanId = span == null ? null : span.context().spanId();
        StringBuilder message = new StringBuilder(80)
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
        Line line = new Line(method, path, status, millis, region, failovers, clientIp, country,
                tenant == null ? null : tenant.id(), traceId, spanId);
        switch (format) {
            case TEXT -> text(message, line);
            case ECS -> ecs(message.toString(), line);
            case LOGSTASH -> logstash(message.toString(), line);
            case LOGBACK -> logback(message.toString(), line);
        }
    }

    private record Line(String method, String path, int status, String durationMs, @Nullable String region,
            @Nullable String failovers, @Nullable String clientIp, @Nullable String country, @Nullable String tenant,
            @Nullable String traceId, @Nullable String spanId) {
    }

    private void text(StringBuilder message, Line line) {
        if (line.clientIp() != null) {
            message.append(" client=").append(line.clientIp());
        }
        if (line.country() != null) {
            message.append(" country=").append(line.country());
        }
        if (line.tenant() != null) {
            message.append(" tenant=").append(line.tenant());
        }
        if (line.traceId() != null) {
            message.append(" trace=").append(line.traceId());
        }
        String text = new StringBuilder(message.length() + 100)
                .append(timestamp()).append("  INFO ").append(pid).append(" --- [").append(application).append("] [")
                .append(Thread.currentThread().getName()).append("] ").append(LOGGER).append(" : ")
                .append(message).append('\n').toString();
        writeLine(text);
    }

    private void ecs(String message, Line line) {
        StringBuilder json = new StringBuilder(512).append("{\"@timestamp\":\"").append(timestamp())
                .append("\",\"log\":{\"level\":\"INFO\",\"logger\":\"").append(LOGGER)
                .append("\"},\"process\":{\"pid\":").append(pid).append(",\"thread\":{\"name\":");
        quote(json, Thread.currentThread().getName());
        json.append("}},\"service\":{\"name\":");
        quote(json, application);
        json.append("},\"message\":");
        quote(json, message);
        fields(json, line);
        writeLine(json.append(",\"ecs\":{\"version\":\"8.11\"}}\n").toString());
    }

    private void logstash(String message, Line line) {
        StringBuilder json = new StringBuilder(512).append("{\"@timestamp\":\"").append(timestamp())
                .append("\",\"@version\":\"1\",\"message\":");
        quote(json, message);
        json.append(",\"logger_name\":\"").append(LOGGER).append("\",\"thread_name\":");
        quote(json, Thread.currentThread().getName());
        json.append(",\"level\":\"INFO\",\"level_value\":20000");
        fields(json, line);
        writeLine(json.append("}\n").toString());
    }

    private static void fields(StringBuilder json, Line line) {
        json.append(",\"method\":\"").append(line.method()).append("\",\"path\":");
        quote(json, line.path());
        json.append(",\"status\":").append(line.status()).append(",\"durationMs\":").append(line.durationMs());
        field(json, "region", line.region());
        if (line.failovers() != null) {
            json.append(",\"failovers\":").append(line.failovers());
        }
        field(json, "clientIp", line.clientIp());
        field(json, "country", line.country());
        field(json, "tenant", line.tenant());
        field(json, "traceId", line.traceId());
        field(json, "spanId", line.spanId());
    }

    private void logback(String message, Line line) {
        LoggingEventBuilder event = log.atInfo().setMessage(message)
                .addKeyValue("method", line.method())
                .addKeyValue("path", line.path())
                .addKeyValue("status", line.status())
                .addKeyValue("durationMs", Double.parseDouble(line.durationMs()));
        String[][] optional = {{"region", line.region()}, {"failovers", line.failovers()}, {"clientIp", line.clientIp()},
                {"country", line.country()}, {"tenant", line.tenant()}, {"traceId", line.traceId()}, {"spanId", line.spanId()}};
        for (String[] pair : optional) {
            if (pair[1] != null) {
                event = event.addKeyValue(pair[0], pair[1]);
            }
        }
        event.log();
    }

    private void writeLine(String line) {
        AccessLogWriter out = writer;
        if (out != null) {
            out.write(line);
        }
    }

    /** Now, to the millisecond, formatted once per millisecond however many lines share it. */
    private String timestamp() {
        long now = System.currentTimeMillis();
        Stamp current = stamp;
        if (current.millis() != now) {
            current = new Stamp(now, DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(now)));
            stamp = current;
        }
        return current.text();
    }

    private static void field(StringBuilder json, String name, @Nullable String value) {
        if (value != null) {
            json.append(",\"").append(name).append("\":");
            quote(json, value);
        }
    }

    private static @Nullable String remoteAddress(ServerHttpRequest request) {
        InetSocketAddress remote = request.getRemoteAddress();
        return remote == null || remote.getAddress() == null ? null : remote.getAddress().getHostAddress();
    }
}
