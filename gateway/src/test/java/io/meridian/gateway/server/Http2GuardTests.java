package io.meridian.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP/2 connection guard on an embedded channel, with its clock and the event loop's time moved by hand. */
class Http2GuardTests {

    static final long IDLE = Duration.ofSeconds(30).toNanos();
    static final long WINDOW = Duration.ofSeconds(1).toNanos();

    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final Http2Connection connection = new DefaultHttp2Connection(true);
    EmbeddedChannel channel;

    @BeforeEach
    void channel() {
        channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(new Http2Guard(connection, IDLE, 3, WINDOW, now::get,
                new ListenerMeters(new SimpleMeterRegistry())));
    }

    void advance(Duration by) {
        now.addAndGet(by.toNanos());
        channel.advanceTimeBy(by.toNanos(), TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
    }

    void ping(long data) {
        channel.writeInbound(new DefaultHttp2PingFrame(data));
    }

    @Test
    void pingsWithinTheLimitPassAndOneMoreClosesWithEnhanceYourCalm() {
        ping(1);
        ping(2);
        ping(3);
        assertThat(channel.isOpen()).isTrue();
        assertThat((Object) channel.readOutbound()).isNull();

        ping(4);

        Http2GoAwayFrame goAway = channel.readOutbound();
        assertThat(goAway.errorCode()).isEqualTo(Http2Error.ENHANCE_YOUR_CALM.code());
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void theLimitCountsPerWindow() {
        for (int window = 0; window < 5; window++) {
            ping(1);
            ping(2);
            ping(3);
            advance(Duration.ofMillis(1001));
        }

        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void aConnectionWithoutStreamsIsClosedWithGoAwayOnceIdleAndPingsDoNotKeepItOpen() {
        advance(Duration.ofSeconds(10));
        ping(1);
        advance(Duration.ofSeconds(19));
        assertThat(channel.isOpen()).isTrue();

        advance(Duration.ofSeconds(2));

        Http2GoAwayFrame goAway = channel.readOutbound();
        assertThat(goAway.errorCode()).isEqualTo(Http2Error.NO_ERROR.code());
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aConnectionWithAnOpenStreamIsNotIdleHoweverLongTheAnswerTakes() throws Exception {
        connection.remote().createStream(1, false);

        for (int minute = 0; minute < 10; minute++) {
            advance(Duration.ofMinutes(1));
        }

        assertThat(channel.isOpen()).isTrue();
        assertThat((Object) channel.readOutbound()).isNull();
    }
}
