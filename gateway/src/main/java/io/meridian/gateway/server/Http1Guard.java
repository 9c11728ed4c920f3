package io.meridian.gateway.server;

import io.meridian.gateway.error.ErrorResponses;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.util.ByteProcessor;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP/1.1 connection's deadlines and strictness: it must send a request within the idle
 * timeout (after it opens, or after the previous answer), the request's line and headers within
 * the header timeout from its first byte, and requests that HTTP/1.1 (RFC 9112) forbids are
 * answered 400 with the JSON error document and the connection closed: no {@code Host} in an
 * HTTP/1.1 request, more than one {@code Host}, a header folded onto a continuation line
 * (obs-fold), a version other than HTTP/1.0 and HTTP/1.1.
 *
 * <p>Design note: two handlers share this state. {@link #raw()} sits before the HTTP codec and sees
 * the bytes: the first byte of a request starts the header clock, and the header section is
 * scanned for obs-fold, which Netty's decoder silently joins onto the previous value (a proxy
 * behind the gateway might split it differently: request smuggling). {@link #decoded()} sits after
 * the codec and sees the decoded request (headers complete: the clock stops), its body (each piece
 * restarts the body clock, the last stops it; where Reactor Netty times bodies, no clock runs, but
 * the body is followed all the same, so that its bytes after an early answer are never taken for
 * the next request's headers) and the end of each answer (the idle clock starts when no request is
 * left in flight and its body is in). A slowloris client that trickles a byte at a time never
 * resets the header clock; a body that stops arriving for the body timeout is failed with Netty's
 * {@code ReadTimeoutException}, which the error handler answers as a JSON 408. Nothing here runs
 * while the gateway waits on a region or streams its answer.
 *
 * <p>Performance note: the clocks are one deadline field and at most one scheduled task per
 * connection, as Netty's {@code IdleStateHandler} keeps them. Arming a clock writes the deadline;
 * the task, when it wakes, closes the connection if the deadline has passed and otherwise sleeps
 * again until it, never longer than the shortest timeout, so that a deadline armed meanwhile is
 * never later than the next wake-up. Scheduling and cancelling a timer per request, and adding and
 * removing Reactor Netty's read-timeout handler per request, cost about a tenth of the gateway's CPU
 * (docs/benchmarks.md); here a request costs two field writes and a clock read.
 *
 * <p>Cost: a field check per read, a scan of the header bytes only, one wake-up per shortest
 * timeout while a clock runs.
 */
final class Http1Guard {

    private enum State { IDLE, HEADERS, BODY, ACTIVE, REFUSED }

    /** Why a deadline passed, for the meter and for how the connection ends. */
    private static final String BODY_TIMEOUT = "body_timeout";

    private final long headerTimeoutNanos;
    private final long idleTimeoutNanos;
    private final long bodyTimeoutNanos;
    private final long wakeNanos;
    private final LongSupplier ticker;
    private final ListenerMeters meters;
    private final Raw raw = new Raw();
    private final Decoded decoded = new Decoded();

    private State state = State.IDLE;
    private int inFlight;
    private @Nullable ScheduledFuture<?> timer;
    private @Nullable ChannelHandlerContext context;
    private @Nullable ChannelHandlerContext decodedContext;

    // The one running clock: its deadline (ticker nanos), whether it runs, and why it would expire.
    private boolean armed;
    private long deadline;
    private String reason = ListenerMeters.IDLE_TIMEOUT;

    // obs-fold scanner over the header section of the current request
    private boolean scanning;
    private boolean afterLineFeed;
    private int lineLength;
    private int lines;
    private boolean folded;

    /**
     * @param headerTimeoutNanos from a request's first byte to its last header
     * @param idleTimeoutNanos   from an answer's end (or the connection's opening) to the next request
     * @param bodyTimeoutNanos   between two pieces of a request's body; 0 leaves bodies to another
     *                           timeout (Reactor Netty's, on listeners that also speak HTTP/2)
     * @param ticker             nanosecond clock, {@link System#nanoTime()} outside tests
     * @param meters             where closed connections are counted
     */
    Http1Guard(long headerTimeoutNanos, long idleTimeoutNanos, long bodyTimeoutNanos, LongSupplier ticker,
            ListenerMeters meters) {
        this.headerTimeoutNanos = headerTimeoutNanos;
        this.idleTimeoutNanos = idleTimeoutNanos;
        this.bodyTimeoutNanos = bodyTimeoutNanos;
        this.wakeNanos = Math.max(1, Math.min(Math.min(headerTimeoutNanos, idleTimeoutNanos),
                bodyTimeoutNanos > 0 ? bodyTimeoutNanos : Long.MAX_VALUE));
        this.ticker = ticker;
        this.meters = meters;
    }

    /** The handler before the HTTP codec. */
    ChannelInboundHandlerAdapter raw() {
        return raw;
    }

    /** The handler after the HTTP codec. */
    ChannelDuplexHandler decoded() {
        return decoded;
    }

    /** Starts the clock: the connection is cut {@code nanos} from now unless disarmed or re-armed. */
    private void arm(ChannelHandlerContext ctx, long nanos, String why) {
        deadline = ticker.getAsLong() + nanos;
        reason = why;
        armed = true;
        if (timer == null) {
            wakeIn(ctx, Math.min(nanos, wakeNanos));
        }
    }

    /** Restarts the body clock, or, where bodies are timed elsewhere, leaves no clock running. */
    private void timeBody(ChannelHandlerContext ctx) {
        if (bodyTimeoutNanos > 0) {
            arm(ctx, bodyTimeoutNanos, BODY_TIMEOUT);
        }
        else {
            disarm();
        }
    }

    /** Stops the clock; the scheduled wake-up, if any, finds nothing to do and ends. */
    private void disarm() {
        armed = false;
    }

    /** Stops the clock and its wake-up, when the connection or the handler goes. */
    private void cancel() {
        armed = false;
        ScheduledFuture<?> running = timer;
        if (running != null) {
            running.cancel(false);
            timer = null;
        }
    }

    private void wakeIn(ChannelHandlerContext ctx, long nanos) {
        timer = ctx.executor().schedule(() -> wake(ctx), nanos, TimeUnit.NANOSECONDS);
    }

    private void wake(ChannelHandlerContext ctx) {
        timer = null;
        if (!armed || !ctx.channel().isActive()) {
            return;
        }
        long left = deadline - ticker.getAsLong();
        if (left > 0) {
            wakeIn(ctx, Math.min(left, wakeNanos));
            return;
        }
        armed = false;
        if (BODY_TIMEOUT.equals(reason)) {
            // As Reactor Netty's read-timeout handler does: the body's reader fails, the error
            // handler answers 408, and the connection is closed.
            ChannelHandlerContext body = decodedContext != null ? decodedContext : ctx;
            body.fireExceptionCaught(ReadTimeoutException.INSTANCE);
            body.close();
            return;
        }
        meters.closed(reason);
        ctx.channel().close();
    }

    private final class Raw extends ChannelInboundHandlerAdapter implements ByteProcessor {

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            context = ctx;
            if (ctx.channel().isActive()) {
                arm(ctx, idleTimeoutNanos, ListenerMeters.IDLE_TIMEOUT);
            }
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (state == State.IDLE && !armed) {
                arm(ctx, idleTimeoutNanos, ListenerMeters.IDLE_TIMEOUT);
            }
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf bytes) {
                if (state == State.IDLE) {
                    state = State.HEADERS;
                    scanning = true;
                    afterLineFeed = false;
                    lineLength = 0;
                    lines = 0;
                    folded = false;
                    arm(ctx, headerTimeoutNanos, ListenerMeters.HEADER_TIMEOUT);
                }
                if (scanning && bytes.isReadable()) {
                    bytes.forEachByte(this);
                }
            }
            ctx.fireChannelRead(msg);
        }

        /** One byte of the header section; false once the blank line that ends it is seen. */
        @Override
        public boolean process(byte value) {
            if (value == '\n') {
                if (lineLength == 0 && lines > 0) {
                    scanning = false;
                    return false;
                }
                if (lineLength > 0) {
                    lines++;
                }
                lineLength = 0;
                afterLineFeed = lines > 0;
                return true;
            }
            if (afterLineFeed && (value == ' ' || value == '\t')) {
                folded = true;
            }
            afterLineFeed = false;
            if (value != '\r') {
                lineLength++;
            }
            return true;
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            cancel();
            ctx.fireChannelInactive();
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            cancel();
        }
    }

    private final class Decoded extends ChannelDuplexHandler {

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            decodedContext = ctx;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (state == State.REFUSED) {
                ReferenceCountUtil.release(msg); // the rest of a request we already refused
                return;
            }
            if (msg instanceof HttpRequest request && request.decoderResult().isSuccess()) {
                String problem = problem(request);
                if (problem != null) {
                    state = State.REFUSED;
                    cancel();
                    ReferenceCountUtil.release(msg);
                    meters.closed(ListenerMeters.INVALID_REQUEST);
                    refuse(ctx, request, problem);
                    return;
                }
                inFlight++;
                scanning = false;
                if (msg instanceof LastHttpContent) {
                    disarm();
                    state = State.ACTIVE;
                }
                else {
                    // The body is followed whether or not it is timed here: its bytes, arriving
                    // after an early answer (a 401 before the body is read), are no next request.
                    state = State.BODY;
                    timeBody(ctx);
                }
            }
            else if (state == State.BODY && msg instanceof HttpContent) {
                if (msg instanceof LastHttpContent && inFlight == 0) {
                    // Answered before its body was all in: idle from here.
                    state = State.IDLE;
                    arm(context != null ? context : ctx, idleTimeoutNanos, ListenerMeters.IDLE_TIMEOUT);
                }
                else if (msg instanceof LastHttpContent) {
                    disarm();
                    state = State.ACTIVE;
                }
                else {
                    timeBody(ctx);
                }
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            boolean answered = msg instanceof LastHttpContent && !(msg instanceof HttpResponse response
                    && response.status().codeClass() == HttpStatusClass.INFORMATIONAL);
            if (answered) {
                if (inFlight > 0) {
                    inFlight--;
                }
                if (inFlight == 0 && state == State.ACTIVE) {
                    state = State.IDLE;
                    ChannelHandlerContext rawContext = context;
                    arm(rawContext != null ? rawContext : ctx, idleTimeoutNanos, ListenerMeters.IDLE_TIMEOUT);
                }
            }
            ctx.write(msg, promise);
            if (answered) {
                // Reactor Netty (1.3.7 and earlier) can drain its queue of pipelined requests without
                // asking for the next read (its issue 4361): the connection's next request would
                // never be read. Asked once more after each answer, a read already pending is not
                // doubled, and the stall cannot happen.
                ctx.executor().execute(ctx::read);
            }
        }
    }

    /** What makes the request one HTTP/1.1 forbids, or {@code null}. */
    private @Nullable String problem(HttpRequest request) {
        if (unreadableTarget(request.uri()) != null) {
            return "target";
        }
        HttpVersion version = request.protocolVersion();
        boolean http11 = HttpVersion.HTTP_1_1.equals(version);
        if (!http11 && !HttpVersion.HTTP_1_0.equals(version)) {
            return "unsupported_version";
        }
        if (folded) {
            return "obs_fold";
        }
        Iterator<? extends CharSequence> hosts = request.headers().valueCharSequenceIterator(HttpHeaderNames.HOST);
        if (!hosts.hasNext()) {
            return http11 ? "no_host" : null;
        }
        hosts.next();
        return hosts.hasNext() ? "two_hosts" : null;
    }

    /**
     * Why a request-target is not one that {@link java.net.URI} reads, or {@code null} when it is:
     * a character that may not stand unencoded in it, or a {@code %} not followed by two hex digits.
     * The server's adapter builds a {@code URI} from the target and answers one it cannot read with
     * a bare {@code 400} before any filter runs; refused here, the client learns why, in JSON. What
     * the path means is {@link io.meridian.gateway.path.CanonicalPathFilter}'s to decide.
     *
     * @param target the request-target as sent
     * @return the reason, or {@code null}
     */
    static @Nullable String unreadableTarget(String target) {
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c == '%') {
                if (i + 2 >= target.length() || Character.digit(target.charAt(i + 1), 16) < 0
                        || Character.digit(target.charAt(i + 2), 16) < 0) {
                    return "a '%' at position " + i + " is not followed by two hex digits";
                }
                i += 2;
            }
            else if (c <= 0x20 || c == 0x7F || "\"<>\\^`{|}".indexOf(c) >= 0) {
                return (c <= 0x20 || c == 0x7F ? String.format("the character U+%04X", (int) c) : "the character '" + c + "'")
                        + " at position " + i + " may not stand unencoded in a request-target";
            }
        }
        return null;
    }

    private static void refuse(ChannelHandlerContext ctx, HttpRequest request, String problem) {
        String code;
        String message;
        String field;
        switch (problem) {
            case "target" -> {
                code = "invalid_path";
                message = "invalid request path: " + unreadableTarget(request.uri());
                field = "path";
            }
            case "unsupported_version" -> {
                code = "unsupported_http_version";
                message = "the request line names an HTTP version other than HTTP/1.0 and HTTP/1.1";
                field = null;
            }
            case "obs_fold" -> {
                code = "malformed_request";
                message = "a header line starts with a space or a tab (obsolete line folding is not accepted)";
                field = null;
            }
            case "no_host" -> {
                code = "invalid_request";
                message = "an HTTP/1.1 request must carry a Host header";
                field = "Host";
            }
            default -> {
                code = "invalid_request";
                message = "the request carries more than one Host header";
                field = "Host";
            }
        }
        HttpResponseStatus status = HttpResponseStatus.BAD_REQUEST;
        byte[] body = ErrorResponses.json(ErrorResponses.pathOf(request.uri()), status.code(), code, message, field)
                .getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
