package io.meridian.gateway.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;

/**
 * {@code meridian.server.connections.closed{reason}}: connections the gateway closed because of a
 * limit on its listeners. The counters are registered once; counting one is an array-free map read.
 */
final class ListenerMeters {

    static final String HEADER_TIMEOUT = "header_timeout";
    static final String IDLE_TIMEOUT = "idle_timeout";
    static final String INVALID_REQUEST = "invalid_request";
    static final String HTTP2_IDLE = "http2_idle";
    static final String HTTP2_PING_FLOOD = "http2_ping_flood";

    private final Map<String, Counter> closed;

    ListenerMeters(MeterRegistry registry) {
        this.closed = Map.of(
                HEADER_TIMEOUT, counter(registry, HEADER_TIMEOUT),
                IDLE_TIMEOUT, counter(registry, IDLE_TIMEOUT),
                INVALID_REQUEST, counter(registry, INVALID_REQUEST),
                HTTP2_IDLE, counter(registry, HTTP2_IDLE),
                HTTP2_PING_FLOOD, counter(registry, HTTP2_PING_FLOOD));
    }

    private static Counter counter(MeterRegistry registry, String reason) {
        return Counter.builder("meridian.server.connections.closed").tag("reason", reason)
                .description("Connections the gateway closed because a client broke a limit of its listeners")
                .register(registry);
    }

    void closed(String reason) {
        Counter counter = closed.get(reason);
        if (counter != null) {
            counter.increment();
        }
    }
}
