package io.meridian.gateway.error;

import io.meridian.protocol.ErrorCodes;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;

/**
 * Answers requests that Netty's HTTP decoder could not parse (a header line over the size limit,
 * an over-long request line, an illegal header name or value) with Meridian's JSON error
 * document instead of an empty body, then closes the connection: after a framing error nothing
 * else on it can be trusted.
 *
 * <p>Sits between the HTTP codec and Reactor Netty's traffic handler, one instance per connection.
 */
final class DecodingFailureHandler extends ChannelInboundHandlerAdapter {

    /** Name of this handler in the channel pipeline. */
    static final String NAME = "meridian.decodingFailureHandler";

    private boolean failed;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (failed) {
            ReferenceCountUtil.release(msg); // the rest of a request we already refused
            return;
        }
        if (msg instanceof HttpRequest request && request.decoderResult().isFailure()) {
            failed = true;
            DecoderResult result = ((DecoderResultProvider) request).decoderResult();
            ReferenceCountUtil.release(msg);
            refuse(ctx, result.cause());
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private static void refuse(ChannelHandlerContext ctx, Throwable cause) {
        HttpResponseStatus status;
        String code;
        String message;
        if (cause instanceof TooLongHttpHeaderException) {
            status = HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
            code = ErrorCodes.HEADERS_TOO_LARGE;
            message = "request headers exceed the size limit";
        } else if (cause instanceof TooLongHttpLineException) {
            status = HttpResponseStatus.REQUEST_URI_TOO_LONG;
            code = ErrorCodes.REQUEST_LINE_TOO_LONG;
            message = "request line (method, path and query) exceeds the size limit";
        } else if (cause instanceof TooLongFrameException) {
            status = HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
            code = ErrorCodes.HEADERS_TOO_LARGE;
            message = "request headers exceed the size limit";
        } else {
            status = HttpResponseStatus.BAD_REQUEST;
            code = ErrorCodes.MALFORMED_REQUEST;
            message = "the request is not valid HTTP: a header name or value, the request line or the framing is malformed";
        }
        byte[] body = ErrorResponses.json(status.code(), code, message, null).getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
