package io.meridian.gateway.forwarding;

import io.meridian.gateway.tls.RegionClientTls;
import java.net.URI;
import java.time.Duration;
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
     * A client over Reactor Netty, with one client per endpoint addressed once.
     *
     * @param pooled         the client with the connection pool and connect timeout to use
     * @param tls            the client certificate and trust for {@code https} endpoints
     * @param attemptTimeout how long an attempt may wait for its answer to start, from the moment
     *                       the request has been sent
     */
    static RegionClient reactor(HttpClient pooled, RegionClientTls tls, Duration attemptTimeout) {
        return new ReactorRegionClient(pooled, tls, attemptTimeout);
    }
}
