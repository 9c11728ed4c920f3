package io.meridian.gateway.server;

import io.meridian.gateway.GatewayConfigException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Bounds on the connections of every listener the gateway opens (the server port and
 * {@code meridian.tls.http-port}). They are about the client: a region that takes minutes to
 * answer, or streams its answer for minutes, is never cut off by them.
 *
 * @param headerReadTimeout        how long a client has, from the first byte of a request, to send
 *                                 all of its request line and headers (nginx
 *                                 {@code client_header_timeout}: 60 s)
 * @param bodyReadTimeout          how long a request body may stop arriving (between two reads)
 *                                 before it is answered 408 and the connection closed (nginx
 *                                 {@code client_body_timeout}: 60 s); it also runs while the gateway
 *                                 holds back reading because a region is slow to take the body
 * @param idleTimeout              how long an HTTP/1.1 connection may wait for a request: after it
 *                                 opens, or after the previous answer on a kept-alive connection
 *                                 (nginx {@code keepalive_timeout}: 75 s)
 * @param maxConnections           open connections over all listeners; a connection past it is
 *                                 closed at once
 * @param maxConnectionsPerAddress open connections from one client address (the socket peer, which
 *                                 is the load balancer when there is one in front: raise it then)
 * @param http2                    limits of HTTP/2 connections
 */
@Validated
@ConfigurationProperties(ListenerProperties.PREFIX)
public record ListenerProperties(
        @DefaultValue("20s") @NotNull Duration headerReadTimeout,
        @DefaultValue("20s") @NotNull Duration bodyReadTimeout,
        @DefaultValue("30s") @NotNull Duration idleTimeout,
        @DefaultValue("10000") @Min(1) int maxConnections,
        @DefaultValue("512") @Min(1) int maxConnectionsPerAddress,
        @DefaultValue @NotNull @Valid Http2 http2) {

    public static final String PREFIX = "meridian.server";

    public ListenerProperties {
        positive("header-read-timeout", headerReadTimeout);
        positive("body-read-timeout", bodyReadTimeout);
        positive("idle-timeout", idleTimeout);
    }

    /**
     * @param idleTimeout how long an HTTP/2 connection may stay without an open stream before it is
     *                    closed with GOAWAY (PING frames do not count as use)
     * @param maxPings    PING frames a client may send per {@code pingWindow}; one more closes the
     *                    connection with GOAWAY {@code ENHANCE_YOUR_CALM}
     * @param pingWindow  the window over which PING frames are counted
     */
    public record Http2(
            @DefaultValue("30s") @NotNull Duration idleTimeout,
            @DefaultValue("10") @Min(1) int maxPings,
            @DefaultValue("1s") @NotNull Duration pingWindow) {

        public Http2 {
            positive("http2.idle-timeout", idleTimeout);
            positive("http2.ping-window", pingWindow);
        }
    }

    private static void positive(String name, Duration value) {
        if (value != null && (value.isNegative() || value.isZero())) {
            throw new GatewayConfigException(PREFIX + "." + name, "must be positive, but was " + value);
        }
    }
}
