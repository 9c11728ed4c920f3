package io.meridian.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HTTP/1.1 guard around Netty's real codec on an embedded channel, its clock and the event
 * loop's time moved by hand, behind an application that answers a request as soon as its headers
 * are in (a refusal: 401, 413, 429) and discards the body that follows.
 */
class Http1GuardTests {

    static final Duration HEADER_TIMEOUT = Duration.ofSeconds(10);
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

    /** A pretty-printed JSON body: a line feed followed by spaces, as a folded header line would start. */
    static final String BODY = "{\n  \"query\": \"hi\",\n\t\"model\": \"qwen3\"\n}";

    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final List<String> served = new ArrayList<>();
    EmbeddedChannel channel;

    /** @param bodyTimeoutSeconds 0: bodies are left to Reactor Netty's read timeout (listeners that also speak HTTP/2) */
    void channel(long bodyTimeoutSeconds) {
        channel = new EmbeddedChannel();
        channel.freezeTime();
        Http1Guard guard = new Http1Guard(HEADER_TIMEOUT.toNanos(), IDLE_TIMEOUT.toNanos(),
                Duration.ofSeconds(bodyTimeoutSeconds).toNanos(), now::get, new ListenerMeters(new SimpleMeterRegistry()));
        channel.pipeline().addLast(guard.raw(), new HttpServerCodec(), guard.decoded(), new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof HttpRequest request) {
                    served.add(request.method() + " " + request.uri());
                    FullHttpResponse refused = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.UNAUTHORIZED,
                            Unpooled.EMPTY_BUFFER);
                    refused.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
                    ctx.writeAndFlush(refused);
                }
                ReferenceCountUtil.release(msg);
            }
        });
    }

    void send(String bytes) {
        channel.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.US_ASCII));
    }

    void advance(Duration by) {
        now.addAndGet(by.toNanos());
        channel.advanceTimeBy(by.toNanos(), TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
    }

    List<String> answers() {
        List<String> statuses = new ArrayList<>();
        for (Object out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
            String text = ((ByteBuf) out).toString(StandardCharsets.US_ASCII);
            if (text.startsWith("HTTP/1.1 ")) {
                statuses.add(text.substring(9, 12));
            }
            ReferenceCountUtil.release(out);
        }
        return statuses;
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 30})
    void aBodyThatArrivesAfterItsAnswerIsNotReadAsTheNextRequestsHeaders(long bodyTimeoutSeconds) {
        channel(bodyTimeoutSeconds);
        send("POST /process HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nContent-Length: "
                + BODY.length() + "\r\n\r\n");
        assertThat(answers()).containsExactly("401");

        send(BODY);
        send("GET /v1/queues HTTP/1.1\r\nHost: gateway\r\n\r\n");

        assertThat(served).containsExactly("POST /process", "GET /v1/queues");
        assertThat(answers()).as("the next request is served, not refused as folded").containsExactly("401");
        assertThat(channel.isOpen()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 30})
    void aConnectionIdleAfterALateBodyHasTheIdleTimeoutNotTheHeaderTimeout(long bodyTimeoutSeconds) {
        channel(bodyTimeoutSeconds);
        send("POST /process HTTP/1.1\r\nHost: gateway\r\nContent-Length: " + BODY.length() + "\r\n\r\n");
        send(BODY);

        advance(HEADER_TIMEOUT.plusSeconds(1));
        assertThat(channel.isOpen()).as("open past the header timeout: no request has started").isTrue();

        advance(IDLE_TIMEOUT);
        assertThat(channel.isOpen()).as("closed once idle for the idle timeout").isFalse();
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 30})
    void aFoldedHeaderLineIsStillRefused(long bodyTimeoutSeconds) {
        channel(bodyTimeoutSeconds);
        send("GET /v1/queues HTTP/1.1\r\nHost: gateway\r\nX-Note: one\r\n two\r\n\r\n");

        assertThat(served).isEmpty();
        assertThat(answers()).containsExactly("400");
    }
}
