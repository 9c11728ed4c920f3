package io.meridian.gateway.forwarding;

import io.meridian.gateway.tls.RegionClientTls;
import java.net.URI;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/** Sends one attempt of a request to one region endpoint. */
public interface RegionClient {

    /**
     * Sends {@code request} to {@code endpoint}: its canonical path and query under the endpoint's
     * base path, its headers by the rules of {@code RegionHeaders}, and its body as held.
     *
     * @return the answer once its status and headers arrived; an error if the attempt failed
     *         (the endpoint could not be reached, closed the connection, or did not start answering
     *         in time)
     */
    Mono<RegionAnswer> send(URI endpoint, RegionRequest request);

    /**
     * Sends {@code request} to {@code endpoint} within {@code deadline}: the attempt fails with a
     * timeout when the region does not take the request, or its answer does not start, in time,
     * and a started answer fails when its body stalls for longer than the deadline's idle limit.
     * A client that keeps no deadlines of its own (a test's fake) ignores it.
     */
    default Mono<RegionAnswer> send(URI endpoint, RegionRequest request, Deadline deadline) {
        return send(endpoint, request);
    }

    /**
     * As {@link #send(URI, RegionRequest, Deadline)}, over a connection opened for this attempt
     * alone rather than one from the pool. For a repeat after the endpoint reset a connection:
     * whether it is alive or was killed, only a new connection says (a dead one refuses it), while
     * the pool's other connections to it may have been reset as well without the gateway having
     * read it yet. A client without a pool (a test's fake) sends as ever.
     */
    default Mono<RegionAnswer> sendOnNewConnection(URI endpoint, RegionRequest request, Deadline deadline) {
        return send(endpoint, request, deadline);
    }

    /**
     * A client over Reactor Netty, with one client per endpoint addressed once.
     *
     * @param pooled   the client with the connection pool and connect timeout to use
     * @param unpooled the same client without a pool, a connection per request, for {@link #sendOnNewConnection}
     * @param tls      the client certificate and trust for {@code https} endpoints
     * @param fallback the deadlines of a request sent without its own, by its kind
     */
    static RegionClient reactor(HttpClient pooled, HttpClient unpooled, RegionClientTls tls,
            Function<CallKind, Deadline> fallback) {
        return new ReactorRegionClient(pooled, unpooled, tls, fallback);
    }
}
