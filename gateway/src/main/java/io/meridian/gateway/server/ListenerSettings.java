package io.meridian.gateway.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ServerChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.springframework.util.unit.DataSize;
import reactor.netty.NettyPipeline;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;

/**
 * The settings every listener of the gateway gets ({@link ListenerProperties}): applied to the
 * server port by a {@code NettyServerCustomizer} and to the plain-HTTP port by
 * {@code PlainHttpListener}, so that no listener is softer than another.
 *
 * <p>Per connection, once: the connection caps, then the HTTP/1.1 guard (deadlines and strict
 * parsing) or the HTTP/2 guard (idle and PING limits), whichever protocol the connection speaks;
 * on a TLS port that offers both, after ALPN has chosen. The request body's read timeout is the
 * HTTP/1.1 guard's on listeners that speak only HTTP/1.1, Reactor Netty's on those that also speak
 * HTTP/2, active only while a body is being received. Nothing runs per request beyond what the
 * guards note (a state change and a deadline written).
 *
 * <p>Not covered: HTTP/2 over cleartext (h2c), which the gateway's listeners do not offer.
 */
public final class ListenerSettings {

    /** Name of the connection guards in the channel pipeline. */
    static final String HTTP1_RAW = "meridian.http1Raw";
    static final String HTTP1_GUARD = "meridian.http1Guard";
    static final String HTTP2_GUARD = "meridian.http2Guard";

    private final ListenerProperties properties;
    private final ConnectionLimiter limiter;
    private final ListenerMeters meters;
    private final LongSupplier ticker;
    private final int maxHeaderBytes;
    private final int maxInitialLineBytes;

    ListenerSettings(ListenerProperties properties, ConnectionLimiter limiter, ListenerMeters meters, LongSupplier ticker,
            DataSize maxHeaderSize, DataSize maxInitialLineLength) {
        this.properties = properties;
        this.limiter = limiter;
        this.meters = meters;
        this.ticker = ticker;
        this.maxHeaderBytes = Math.toIntExact(maxHeaderSize.toBytes());
        this.maxInitialLineBytes = Math.toIntExact(maxInitialLineLength.toBytes());
    }

    /**
     * JSSE refuses a TLS 1.2 renegotiation that a client starts ({@code jdk.tls.rejectClientInitiatedRenegotiation}).
     *
     * <p>Risk: each renegotiation costs the server a full handshake, so a client that renegotiates in
     * a loop on one connection burns the gateway's CPU. JSSE reads the property once, when it first
     * acts as a TLS server in this JVM: this must run before the first TLS listener accepts a
     * connection (the application's {@code main} and the listener configuration both call it).
     * TLS 1.3 has no renegotiation at all.
     */
    public static void refuseClientInitiatedRenegotiation() {
        System.setProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true");
    }

    /**
     * {@code server} with the connection limits of every listener. A listener that speaks HTTP/1.1
     * only times request bodies in its {@link Http1Guard}, at no cost per request; one that also
     * speaks HTTP/2 keeps Reactor Netty's read timeout (a handler added and removed around every
     * request's body), which HTTP/2 streams need.
     */
    public HttpServer apply(HttpServer server) {
        boolean http2 = Arrays.stream(server.configuration().protocols())
                .anyMatch(protocol -> protocol == HttpProtocol.H2 || protocol == HttpProtocol.H2C);
        long guardBodyNanos = http2 ? 0 : properties.bodyReadTimeout().toNanos();
        HttpServer timed = http2 ? server.readTimeout(properties.bodyReadTimeout()) : server;
        // The remote address Reactor Netty hands a server's channel initializer is null: the peer is
        // the channel's own.
        return timed.doOnChannelInit(
                (observer, channel, remoteAddress) -> onConnection(channel, channel.remoteAddress(), guardBodyNanos));
    }

    /** Connections open on the gateway's listeners now. */
    public int openConnections() {
        return limiter.open();
    }

    /**
     * {@code server} with the request decoder limits that Spring Boot gives the server port
     * ({@code server.max-http-request-header-size}, {@code server.netty.max-initial-line-length}),
     * for a listener that Spring Boot does not create.
     */
    public HttpServer withServerPortDecoder(HttpServer server) {
        return server.httpRequestDecoder(spec -> spec.maxHeaderSize(maxHeaderBytes)
                .maxInitialLineLength(maxInitialLineBytes));
    }

    private void onConnection(Channel channel, @Nullable SocketAddress remoteAddress, long guardBodyNanos) {
        if (!(channel.parent() instanceof ServerChannel)) {
            return; // an HTTP/2 stream, not a connection
        }
        InetAddress admitted = limiter.acquire(remoteAddress);
        if (admitted == null) {
            channel.close();
            return;
        }
        channel.closeFuture().addListener(closed -> limiter.release(admitted));
        whenProtocolKnown(channel.pipeline(), "meridian.listenerGuards", pipeline -> guardHttp11(pipeline, guardBodyNanos),
                this::guardHttp2);
    }

    private void guardHttp11(ChannelPipeline pipeline, long bodyNanos) {
        if (pipeline.get(HTTP1_GUARD) != null || pipeline.get(NettyPipeline.H2CUpgradeHandler) != null) {
            return; // HTTP/2 over cleartext may take the connection over: not guarded (see above)
        }
        Http1Guard guard = new Http1Guard(properties.headerReadTimeout().toNanos(), properties.idleTimeout().toNanos(),
                bodyNanos, ticker, meters);
        pipeline.addBefore(NettyPipeline.HttpCodec, HTTP1_RAW, guard.raw());
        pipeline.addAfter(NettyPipeline.HttpCodec, HTTP1_GUARD, guard.decoded());
    }

    private void guardHttp2(ChannelPipeline pipeline) {
        Http2FrameCodec codec = pipeline.get(Http2FrameCodec.class);
        if (codec == null || pipeline.get(HTTP2_GUARD) != null) {
            return;
        }
        ListenerProperties.Http2 http2 = properties.http2();
        pipeline.addAfter(pipeline.context(codec).name(), HTTP2_GUARD, new Http2Guard(codec.connection(),
                http2.idleTimeout().toNanos(), http2.maxPings(), http2.pingWindow().toNanos(), ticker, meters));
    }

    /**
     * Runs {@code http11} on a new connection's pipeline once it has its HTTP/1.1 codec: at once on
     * a listener that speaks only HTTP/1.1, after ALPN on a TLS listener that offers HTTP/2 too
     * (where the codecs are put in only then). {@code h2} runs instead when ALPN chose HTTP/2.
     *
     * @param name a name for the handler that waits for ALPN, unique per caller
     */
    public static void whenProtocolKnown(ChannelPipeline pipeline, String name, Consumer<ChannelPipeline> http11,
            Consumer<ChannelPipeline> h2) {
        if (pipeline.get(NettyPipeline.HttpCodec) instanceof HttpServerCodec) {
            http11.accept(pipeline);
        } else if (pipeline.get(NettyPipeline.H2OrHttp11Codec) != null && pipeline.get(name) == null) {
            pipeline.addAfter(NettyPipeline.H2OrHttp11Codec, name, new AfterNegotiation(http11, h2));
        }
    }

    /** Waits for the TLS handshake (and so ALPN) to finish, hands the pipeline on, and leaves it. */
    private static final class AfterNegotiation extends ChannelInboundHandlerAdapter {

        private final Consumer<ChannelPipeline> http11;
        private final Consumer<ChannelPipeline> h2;

        AfterNegotiation(Consumer<ChannelPipeline> http11, Consumer<ChannelPipeline> h2) {
            this.http11 = http11;
            this.h2 = h2;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof SslHandshakeCompletionEvent done) {
                ChannelPipeline pipeline = ctx.pipeline();
                pipeline.remove(this);
                if (done.isSuccess()) {
                    if (pipeline.get(NettyPipeline.HttpCodec) instanceof HttpServerCodec) {
                        http11.accept(pipeline);
                    } else if (pipeline.get(Http2FrameCodec.class) != null) {
                        h2.accept(pipeline);
                    }
                }
            }
            ctx.fireUserEventTriggered(event);
        }
    }
}
