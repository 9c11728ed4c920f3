package io.meridian.gateway.forwarding;

import io.meridian.gateway.observability.RequestTelemetry;
import io.meridian.gateway.tls.RegionClientTls;
import io.netty.buffer.ByteBuf;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
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
import reactor.netty.http.client.HttpClientRequest;
import reactor.netty.http.client.HttpClientResponse;

/**
 * {@link RegionClient} over Reactor Netty.
 *
 * <p>Design note. Each endpoint gets its own client, addressed by host and port once, so that each
 * request names only its path: an absolute URL per request would be parsed again on every attempt.
 * The clients share the pooled client's connection pool; a renewed client certificate clears them,
 * so that new connections are made with it. A second set of per-endpoint clients, without a pool,
 * opens a connection per request for {@link #sendOnNewConnection}.
 *
 * <p>Deadlines are per request ({@link Deadline}), so that one pooled client serves every kind of
 * call. Three clocks run, one after the other: the <em>take</em> deadline from the start of the
 * attempt until the request starts going out on a connection (pool, connect, TLS; a timer disarmed
 * by {@code doOnRequest}: a kept body is written at once after that, and a streamed body goes at
 * the client's pace, which is not the region's to answer for); the <em>answer</em> deadline from
 * the request sent until the answer's status and headers (Reactor Netty's per-request
 * {@link HttpClientRequest#responseTimeout}); and
 * once the answer has started, an <em>idle</em> limit between two reads of its body (a Netty
 * {@link ReadTimeoutHandler}, removed with the request's other handlers when the connection goes
 * back to the pool). The per-endpoint clients read a request's deadline from its Reactor context,
 * so nothing is configured anew per request.
 */
final class ReactorRegionClient implements RegionClient {

    private static final String IDLE_HANDLER = "meridian.answerIdle";

    private final HttpClient pooled;
    private final HttpClient unpooled;
    private final RegionClientTls tls;
    private final Function<CallKind, Deadline> fallback;
    private final Map<URI, HttpClient> endpointClients = new ConcurrentHashMap<>();
    private final Map<URI, HttpClient> newConnectionClients = new ConcurrentHashMap<>();

    ReactorRegionClient(HttpClient pooled, HttpClient unpooled, RegionClientTls tls, Function<CallKind, Deadline> fallback) {
        this.pooled = pooled;
        this.unpooled = unpooled;
        this.tls = tls;
        this.fallback = fallback;
        tls.onChange(() -> {
            endpointClients.clear();
            newConnectionClients.clear();
        });
    }

    @Override
    public Mono<RegionAnswer> send(URI endpoint, RegionRequest request) {
        return send(endpoint, request, fallback.apply(request.kind()));
    }

    @Override
    public Mono<RegionAnswer> send(URI endpoint, RegionRequest request, Deadline deadline) {
        return send(clientFor(endpoint, endpointClients, pooled), endpoint, request, deadline);
    }

    @Override
    public Mono<RegionAnswer> sendOnNewConnection(URI endpoint, RegionRequest request, Deadline deadline) {
        return send(clientFor(endpoint, newConnectionClients, unpooled), endpoint, request, deadline);
    }

    private Mono<RegionAnswer> send(HttpClient client, URI endpoint, RegionRequest request, Deadline deadline) {
        Watch watch = new Watch(deadline);
        return exchange(client, endpoint, request, watch)
                .timeout(Mono.delay(deadline.take()).flatMap(tick -> watch.taken ? Mono.never() : Mono.just(tick)))
                .contextWrite(context -> context.put(Watch.class, watch));
    }

    private Mono<RegionAnswer> exchange(HttpClient client, URI endpoint, RegionRequest request, Watch watch) {
        RequestTelemetry telemetry = request.telemetry();
        return client
                .headers(headers -> {
                    RequestHeaders.write(request, headers);
                    if (telemetry != null) {
                        telemetry.inject(headers);
                    }
                })
                .request(io.netty.handler.codec.http.HttpMethod.valueOf(request.method().name()))
                .uri(PathAndQuery.of(endpoint, request.exchange().getRequest().getURI()))
                .send((outbound, out) -> {
                    outbound.responseTimeout(watch.deadline.answer());
                    request.sent();
                    return request.body().writeTo(out);
                })
                .responseConnection((response, connection) -> Mono.<RegionAnswer>just(new Answer(response, connection)))
                .singleOrEmpty();
    }

    private HttpClient clientFor(URI endpoint, Map<URI, HttpClient> clients, HttpClient base) {
        HttpClient client = clients.get(endpoint);
        return client != null ? client : clients.computeIfAbsent(endpoint, at -> newClient(at, base));
    }

    private HttpClient newClient(URI endpoint, HttpClient client) {
        boolean secure = "https".equalsIgnoreCase(endpoint.getScheme());
        String host = endpoint.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = endpoint.getPort() >= 0 ? endpoint.getPort() : secure ? 443 : 80;
        HttpClient base = client.host(host).port(port);
        return (secure ? tls.secure(base) : base)
                .doOnRequest((taken, connection) -> {
                    Watch watch = taken.currentContextView().getOrDefault(Watch.class, null);
                    if (watch != null) {
                        watch.taken = true;
                    }
                })
                // The answer deadline runs on the connection's own event loop until the status and
                // headers arrive; Reactor Netty's handler would go on timing every read of the body,
                // so it gives way to the idle limit.
                .doOnResponse((response, connection) -> {
                    connection.removeHandler(NettyPipeline.ResponseTimeoutHandler);
                    Watch watch = response.currentContextView().getOrDefault(Watch.class, null);
                    if (watch != null) {
                        connection.addHandlerFirst(IDLE_HANDLER,
                                new ReadTimeoutHandler(watch.deadline.idle().toMillis(), TimeUnit.MILLISECONDS));
                    }
                });
    }

    /** One attempt's deadline, and whether a connection has taken its request (the take deadline is then met). */
    private static final class Watch {

        final Deadline deadline;
        volatile boolean taken;

        Watch(Deadline deadline) {
            this.deadline = deadline;
        }
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
