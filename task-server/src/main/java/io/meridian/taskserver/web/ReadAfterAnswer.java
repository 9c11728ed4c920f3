package io.meridian.taskserver.web;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Asks an HTTP/1.1 connection for its next read once an answer has been written, so that a
 * kept-alive connection never stops reading.
 *
 * <p>Design note: Reactor Netty reads a server connection on demand, and its handler of
 * pipelined requests (1.3.7 and earlier) can drain its queue of buffered requests without asking
 * for the next read (Reactor Netty issue 4361): the connection's next request is then never read,
 * and its client waits with every thread idle. A read asked for once more after each answer's
 * last piece is harmless where Reactor Netty asks too (a read already pending is not doubled), and
 * ends the stall where it does not. It runs after the write, on the connection's event loop.
 */
@ChannelHandler.Sharable
public final class ReadAfterAnswer extends ChannelOutboundHandlerAdapter {

    /** Its name in the pipeline, after the HTTP codec. */
    public static final String NAME = "meridian.readAfterAnswer";

    /** The one instance: it keeps no state. */
    public static final ReadAfterAnswer INSTANCE = new ReadAfterAnswer();

    private ReadAfterAnswer() {
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        boolean answered = msg instanceof LastHttpContent && !(msg instanceof HttpResponse response
                && response.status().codeClass() == HttpStatusClass.INFORMATIONAL);
        ctx.write(msg, promise);
        if (answered) {
            ctx.executor().execute(ctx::read);
        }
    }
}
