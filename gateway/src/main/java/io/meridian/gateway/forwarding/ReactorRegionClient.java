package io.meridian.gateway.forwarding;

import io.meridian.gateway.observability.RequestTelemetry;
import io.meridian.gateway.tls.RegionClientTls;
import io.netty.buffer.ByteBuf;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.HttpHeaders;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;

/**
 * {@link RegionClient} over Reactor Netty.
 *
 * <p>Design note. Each endpoint gets its own client, addressed by host and port once, so that each
 * request names only its path: an absolute URL per request would be parsed again on every attempt.
 * The clients share the pooled client's connection pool; a renewed client certificate clears them,
 * so that new connections are made with it.
 */
final class ReactorRegionClient implements RegionClient {

    private final HttpClient pooled;
    private final RegionClientTls tls;
    private final Duration attemptTimeout;
    private final Map<URI, HttpClient> endpointClients = new ConcurrentHashMap<>();

    ReactorRegionClient(HttpClient pooled, RegionClientTls tls, Duration attemptTimeout) {
        this.pooled = pooled;
        this.tls = tls;
        this.attemptTimeout = attemptTimeout;
        tls.onChange(endpointClients::clear);
    }

    @Override
    public Mono<RegionAnswer> send(URI endpoint, RegionRequest request) {
        RequestTelemetry telemetry = request.telemetry();
        return clientFor(endpoint)
                .headers(headers -> {
                    RequestHeaders.write(request, headers);
                    if (telemetry != null) {
                        telemetry.inject(headers);
                    }
                })
                .request(io.netty.handler.codec.http.HttpMethod.valueOf(request.method().name()))
                .uri(PathAndQuery.of(endpoint, request.exchange().getRequest().getURI()))
                .send((outbound, out) -> {
                    request.sent();
                    return request.body().writeTo(out);
                })
                .responseConnection((response, connection) -> Mono.<RegionAnswer>just(new Answer(response, connection)))
                .singleOrEmpty();
    }

    private HttpClient clientFor(URI endpoint) {
        HttpClient client = endpointClients.get(endpoint);
        return client != null ? client : endpointClients.computeIfAbsent(endpoint, this::newClient);
    }

    private HttpClient newClient(URI endpoint) {
        boolean secure = "https".equalsIgnoreCase(endpoint.getScheme());
        String host = endpoint.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = endpoint.getPort() >= 0 ? endpoint.getPort() : secure ? 443 : 80;
        HttpClient base = pooled.host(host).port(port);
        return (secure ? tls.secure(base) : base)
                // The attempt's deadline runs on the connection's own event loop, from the moment the
                // request is sent until the answer's status and headers arrive; a streamed answer (SSE)
                // may then take as long as it needs.
                .responseTimeout(attemptTimeout)
                .doOnResponse((response, connection) -> connection.removeHandler(NettyPipeline.ResponseTimeoutHandler));
    }

    /** An answer on its connection, which stays the region's until the body is read or discarded. */
    private record Answer(HttpClientResponse response, Connection connection) implements RegionAnswer {

        @Override
        public int status() {
            return response.status().code();
        }

        @Override
        public @Nullable String header(String name) {
            return response.responseHeaders().get(name);
        }

        @Override
        public void copyHeaders(HttpHeaders target) {
            RegionHeaders.copyResponse(response.responseHeaders(), target);
        }

        @Override
        public Flux<DataBuffer> body(DataBufferFactory buffers) {
            return connection.inbound().receive().retain()
                    .map(buffer -> wrap(buffer, buffers))
                    .doOnCancel(connection::dispose);
        }

        @Override
        public void discard() {
            connection.dispose();
        }

        private static DataBuffer wrap(ByteBuf buffer, DataBufferFactory factory) {
            if (factory instanceof NettyDataBufferFactory netty) {
                return netty.wrap(buffer);
            }
            try {
                DataBuffer copy = factory.allocateBuffer(buffer.readableBytes());
                copy.write(buffer.nioBuffer());
                return copy;
            } finally {
                buffer.release();
            }
        }
    }
}
