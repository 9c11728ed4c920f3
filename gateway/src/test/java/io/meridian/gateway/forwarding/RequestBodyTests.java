package io.meridian.gateway.forwarding;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class RequestBodyTests {

    final NettyDataBufferFactory netty = new NettyDataBufferFactory(new UnpooledByteBufAllocator(true));

    DataBuffer buffer(String text) {
        return netty.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    static String text(RequestBody body) {
        return DataBufferUtils.join(body.content(DefaultDataBufferFactory.sharedInstance))
                .map(joined -> joined.toString(StandardCharsets.UTF_8))
                .defaultIfEmpty("")
                .block(Duration.ofSeconds(30));
    }

    @Test
    void aKeptBodyReleasesTheClientsBuffersExactlyOnceAndCanBeSentAgain() {
        List<DataBuffer> client = List.of(buffer("{\"prompt\":"), buffer("\"hello\"}"));
        List<ByteBuf> bufs = client.stream().map(NettyDataBufferFactory::toByteBuf).toList();

        RequestBody body = RequestBody.kept(Flux.fromIterable(client)).block(Duration.ofSeconds(30));

        // A second release would have thrown; a missing one would leave a count above zero.
        assertThat(bufs).allSatisfy(buf -> assertThat(buf.refCnt()).isZero());
        assertThat(body.replayable()).isTrue();
        assertThat(text(body)).isEqualTo("{\"prompt\":\"hello\"}");
        assertThat(text(body)).isEqualTo("{\"prompt\":\"hello\"}");
        assertThat(body.unread()).isTrue();
        assertThat(body.contentLength(-1)).isEqualTo(18);
    }

    @Test
    void aBodyCancelledWhileItIsBeingKeptReleasesWhatWasRead() {
        DataBuffer first = buffer("part");
        ByteBuf firstBuf = NettyDataBufferFactory.toByteBuf(first);

        StepVerifier.create(RequestBody.kept(Flux.concat(Flux.just(first), Flux.never())))
                .thenCancel()
                .verify(Duration.ofSeconds(30));

        assertThat(firstBuf.refCnt()).isZero();
    }

    @Test
    void aStreamedBodyCanBeSentOnlyUntilItIsFirstRead() {
        RequestBody body = RequestBody.streamed(Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(new byte[] {1, 2})));

        assertThat(body.replayable()).isFalse();
        assertThat(body.unread()).isTrue();
        assertThat(body.contentLength(2)).isEqualTo(2);
        assertThat(body.contentLength(-1)).isEqualTo(-1);

        text(body);
        assertThat(body.unread()).isFalse();
    }

    @Test
    void aBodyIsKeptUpToTheBufferLimitAndStreamedBeyondIt() {
        MockServerHttpRequest small = MockServerHttpRequest.post("/process").contentLength(4).body("abcd");
        MockServerHttpRequest large = MockServerHttpRequest.post("/process").contentLength(5).body("abcde");

        assertThat(RequestBody.of(small, 4, false).block(Duration.ofSeconds(30)).replayable()).isTrue();
        assertThat(RequestBody.of(large, 4, false).block(Duration.ofSeconds(30)).replayable()).isFalse();
    }

    @Test
    void aBodyWithoutADeclaredLengthIsKeptOnlyWhenTheBodyLimitFitsTheBuffer() {
        MockServerHttpRequest chunked = MockServerHttpRequest.post("/process")
                .header(HttpHeaders.TRANSFER_ENCODING, "chunked").body("abc");

        assertThat(RequestBody.of(chunked, 4, true).block(Duration.ofSeconds(30)).replayable()).isTrue();
        assertThat(RequestBody.of(chunked, 4, false).block(Duration.ofSeconds(30)).replayable()).isFalse();
    }

    @Test
    void noBodyIsAnEmptyKeptBodySentWithoutALengthUnlessTheClientDeclaredOne() {
        RequestBody none = RequestBody.of(MockServerHttpRequest.get("/v1/models").build(), 4, false)
                .block(Duration.ofSeconds(30));

        assertThat(none.replayable()).isTrue();
        assertThat(text(none)).isEmpty();
        assertThat(none.contentLength(-1)).isEqualTo(-1);
        assertThat(none.contentLength(0)).isZero();
    }
}
