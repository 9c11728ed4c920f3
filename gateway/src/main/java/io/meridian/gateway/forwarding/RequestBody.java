package io.meridian.gateway.forwarding;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.NettyOutbound;

/**
 * A request body as the gateway holds it while it tries regions: kept, so that it can be sent any
 * number of times, or streamed, so that it can be sent once.
 *
 * <p>Design note. Bodies up to {@code maxBuffered} bytes are kept: read whole, copied out of the
 * client's buffers, which are released once, right there, so no attempt, retry or cancellation
 * can hold or release a pooled buffer of the client's. A larger body, or (when {@code maxBuffered}
 * is below the body limit) one without a declared length, is streamed to one region as it
 * arrives; it can still be sent elsewhere until its first byte is read.
 */
public final class RequestBody {

    private static final RequestBody EMPTY = new RequestBody(new byte[0], null);
    private static final byte[] STREAM_KEY = "\"stream\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);

    private final byte @Nullable [] bytes;
    private final @Nullable Flux<DataBuffer> stream;
    private final AtomicBoolean consumed = new AtomicBoolean();

    private RequestBody(byte @Nullable [] bytes, @Nullable Flux<DataBuffer> stream) {
        this.bytes = bytes;
        this.stream = stream;
    }

    /**
     * The request's body, kept or streamed by its size.
     *
     * @param maxBuffered      the largest body that is kept, in bytes
     * @param bufferUndeclared whether a body without a declared length is kept (it can be no larger
     *                         than the body limit, which is then at most {@code maxBuffered})
     */
    public static Mono<RequestBody> of(ServerHttpRequest request, long maxBuffered, boolean bufferUndeclared) {
        HttpHeaders headers = request.getHeaders();
        long length = headers.getContentLength();
        boolean undeclared = length < 0 && headers.containsHeader(HttpHeaders.TRANSFER_ENCODING);
        if (length == 0 || (length < 0 && !undeclared)) {
            return Mono.just(EMPTY);
        }
        if ((length > 0 && length <= maxBuffered) || (undeclared && bufferUndeclared)) {
            return kept(request.getBody());
        }
        return Mono.just(streamed(request.getBody()));
    }

    /** A body that is read whole now and kept; the buffers read are released exactly once. */
    static Mono<RequestBody> kept(Flux<DataBuffer> body) {
        return DataBufferUtils.join(body)
                .map(joined -> {
                    try {
                        byte[] copy = new byte[joined.readableByteCount()];
                        joined.read(copy);
                        return new RequestBody(copy, null);
                    } finally {
                        DataBufferUtils.release(joined);
                    }
                })
                .defaultIfEmpty(EMPTY);
    }

    /** A kept body of these bytes. */
    public static RequestBody of(byte[] bytes) {
        return bytes.length == 0 ? EMPTY : new RequestBody(bytes.clone(), null);
    }

    /** A body streamed as it arrives: it can be sent once. */
    public static RequestBody streamed(Flux<DataBuffer> stream) {
        return new RequestBody(null, stream);
    }

    /** Whether the body can be sent again: it was kept. */
    public boolean replayable() {
        return bytes != null;
    }

    /** Whether the body could still be sent: always for a kept body, until first read for a stream. */
    public boolean unread() {
        return bytes != null || !consumed.get();
    }

    /**
     * Whether a kept JSON body asks for a streamed answer: it holds {@code "stream"}, then a colon
     * and {@code true}, with only whitespace between. A scan of the bytes, not a parse: a string
     * value that happens to read {@code "stream": true} also counts, which only gives that request a
     * stream's deadlines. A streamed body is never read for this: {@code false}.
     */
    public boolean asksForStream() {
        return says(TRUE);
    }

    /**
     * Whether a kept JSON body asks for an answer that is not streamed: {@code "stream"}, a colon
     * and {@code false}, scanned as {@link #asksForStream()} is. Ollama's API streams unless told
     * not to. A streamed body is never read for this: {@code false}.
     */
    public boolean refusesStream() {
        return says(FALSE);
    }

    private boolean says(byte[] value) {
        byte[] b = bytes;
        if (b == null) {
            return false;
        }
        for (int i = indexOf(b, STREAM_KEY, 0); i >= 0; i = indexOf(b, STREAM_KEY, i + 1)) {
            int j = skipSpace(b, i + STREAM_KEY.length);
            if (j < b.length && b[j] == ':') {
                j = skipSpace(b, j + 1);
                if (j + value.length <= b.length && indexOf(b, value, j) == j) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int skipSpace(byte[] b, int from) {
        int i = from;
        while (i < b.length && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r')) {
            i++;
        }
        return i;
    }

    private static int indexOf(byte[] b, byte[] word, int from) {
        outer:
        for (int i = from; i <= b.length - word.length; i++) {
            for (int k = 0; k < word.length; k++) {
                if (b[i + k] != word[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * The Content-Length a region is sent: a kept body's own, unless the client sent an empty body
     * without declaring it; a streamed one's as the client declared it; {@code -1} for none
     * (Reactor Netty then sends the body chunked).
     */
    public long contentLength(long declared) {
        if (bytes != null) {
            return bytes.length > 0 || declared >= 0 ? bytes.length : -1;
        }
        return declared;
    }

    /** The body's content; reading a streamed body uses it up. */
    public Flux<DataBuffer> content(DataBufferFactory buffers) {
        if (bytes != null) {
            return bytes.length == 0 ? Flux.empty() : Flux.just(buffers.wrap(bytes.clone()));
        }
        return stream == null ? Flux.empty() : stream.doOnSubscribe(s -> consumed.set(true));
    }

    /** Writes the body to a region's connection. */
    Publisher<Void> writeTo(NettyOutbound out) {
        if (bytes != null) {
            return bytes.length == 0 ? out : out.sendByteArray(Mono.just(bytes));
        }
        Flux<DataBuffer> body = stream == null ? Flux.empty() : stream;
        return out.send(body.doOnSubscribe(s -> consumed.set(true)).map(NettyDataBufferFactory::toByteBuf));
    }
}
