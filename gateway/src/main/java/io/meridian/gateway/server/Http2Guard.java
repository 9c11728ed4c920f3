package io.meridian.gateway.server;

import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP/2 connection's limits, between the frame codec and the stream multiplexer: a client that
 * sends more than {@code maxPings} PING frames within a window (each of which the server must
 * answer: a cheap way to make it work) gets GOAWAY {@code ENHANCE_YOUR_CALM} and the connection
 * closed; a connection without an open stream for the idle timeout gets GOAWAY {@code NO_ERROR}
 * and is closed.
 *
 * <p>Unlike an idle timer on all traffic, a connection with an open stream is never idle: an answer
 * that a region takes minutes to produce keeps its connection. PING frames do not count as use,
 * or a client could hold an idle connection open by pinging.
 */
final class Http2Guard extends ChannelInboundHandlerAdapter {

    private final Http2Connection connection;
    private final long idleNanos;
    private final int maxPings;
    private final long windowNanos;
    private final LongSupplier ticker;
    private final ListenerMeters meters;

    private long windowStart;
    private int pings;
    private long lastUse;
    private boolean closing;
    private @Nullable ScheduledFuture<?> idleCheck;

    Http2Guard(Http2Connection connection, long idleNanos, int maxPings, long windowNanos, LongSupplier ticker,
            ListenerMeters meters) {
        this.connection = connection;
        this.idleNanos = idleNanos;
        this.maxPings = maxPings;
        this.windowNanos = windowNanos;
        this.ticker = ticker;
        this.meters = meters;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        lastUse = ticker.getAsLong();
        windowStart = lastUse;
        scheduleIdleCheck(ctx, idleNanos);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        long now = ticker.getAsLong();
        if (msg instanceof Http2PingFrame ping) {
            if (!ping.ack()) {
                if (now - windowStart >= windowNanos) {
                    windowStart = now;
                    pings = 0;
                }
                if (++pings > maxPings) {
                    meters.closed(ListenerMeters.HTTP2_PING_FLOOD);
                    goAway(ctx, Http2Error.ENHANCE_YOUR_CALM);
                }
            }
        } else {
            lastUse = now;
        }
        ctx.fireChannelRead(msg);
    }

    private void scheduleIdleCheck(ChannelHandlerContext ctx, long delayNanos) {
        idleCheck = ctx.executor().schedule(() -> checkIdle(ctx), Math.max(delayNanos, 1), TimeUnit.NANOSECONDS);
    }

    private void checkIdle(ChannelHandlerContext ctx) {
        idleCheck = null;
        if (closing || !ctx.channel().isActive()) {
            return;
        }
        long now = ticker.getAsLong();
        if (connection.numActiveStreams() > 0) {
            lastUse = now; // in use all along: the idle period starts once the last stream ends
            scheduleIdleCheck(ctx, idleNanos);
            return;
        }
        long idleFor = now - lastUse;
        if (idleFor >= idleNanos) {
            meters.closed(ListenerMeters.HTTP2_IDLE);
            goAway(ctx, Http2Error.NO_ERROR);
        } else {
            scheduleIdleCheck(ctx, idleNanos - idleFor);
        }
    }

    private void goAway(ChannelHandlerContext ctx, Http2Error error) {
        closing = true;
        cancelIdleCheck();
        ctx.writeAndFlush(new DefaultHttp2GoAwayFrame(error)).addListener(ChannelFutureListener.CLOSE);
    }

    private void cancelIdleCheck() {
        ScheduledFuture<?> check = idleCheck;
        if (check != null) {
            check.cancel(false);
            idleCheck = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelIdleCheck();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelIdleCheck();
    }
}
