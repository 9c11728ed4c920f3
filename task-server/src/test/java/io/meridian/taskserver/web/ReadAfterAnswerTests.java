package io.meridian.taskserver.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A connection is asked for its next read once each answer has ended, and only then. */
class ReadAfterAnswerTests {

    final AtomicInteger reads = new AtomicInteger();
    EmbeddedChannel channel;

    @BeforeEach
    void channel() {
        channel = new EmbeddedChannel();
        channel.config().setAutoRead(false);
        channel.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
            @Override
            public void read(ChannelHandlerContext ctx) {
                reads.incrementAndGet();
                ctx.read();
            }
        }, ReadAfterAnswer.INSTANCE);
        reads.set(0);
    }

    @Test
    void theLastPieceOfAnAnswerAsksForTheNextRead() {
        channel.writeOutbound(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        channel.writeOutbound(new DefaultHttpContent(Unpooled.copiedBuffer(new byte[] {1})));
        channel.runPendingTasks();
        assertThat(reads).as("while the answer goes on").hasValue(0);

        channel.writeOutbound(LastHttpContent.EMPTY_LAST_CONTENT);
        channel.runPendingTasks();
        assertThat(reads).hasValue(1);
    }

    @Test
    void aWholeAnswerAsksForTheNextReadAndAnInterimOneDoesNot() {
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        channel.runPendingTasks();
        assertThat(reads).hasValue(0);

        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT));
        channel.runPendingTasks();
        assertThat(reads).hasValue(1);
    }
}
