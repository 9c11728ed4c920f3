package io.meridian.gateway.forwarding;

import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@link ResponseRelay} that never buffers an answer: the body goes to the client as the region
 * sends it, and an event stream (SSE, NDJSON) is flushed buffer by buffer, so that a token reaches
 * the client when the region sends it.
 */
final class StreamingResponseRelay implements ResponseRelay {

    private final List<ResponseBodyDecorator> decorators;

    StreamingResponseRelay(List<ResponseBodyDecorator> decorators) {
        this.decorators = List.copyOf(decorators);
    }

    @Override
    public Mono<Void> relay(ServerWebExchange exchange, RegionAnswer answer, Consumer<HttpHeaders> gatewayHeaders) {
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(HttpStatusCode.valueOf(answer.status()));
        answer.copyHeaders(response.getHeaders());
        gatewayHeaders.accept(response.getHeaders());
        DataBufferFactory buffers = response.bufferFactory();
        Flux<DataBuffer> body = answer.body(buffers);
        boolean streaming = isStreaming(answer.header(HttpHeaders.CONTENT_TYPE));
        for (ResponseBodyDecorator decorator : decorators) {
            body = decorator.decorate(exchange, answer, streaming, body, buffers);
        }
        if (streaming) {
            return response.writeAndFlushWith(body.map(Flux::just));
        }
        return response.writeWith(body);
    }

    /** Whether an answer of this Content-Type is a stream of events, each to be flushed as it comes. */
    static boolean isStreaming(@Nullable String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.strip();
        return startsWithType(type, MediaType.TEXT_EVENT_STREAM_VALUE) || startsWithType(type, MediaType.APPLICATION_NDJSON_VALUE);
    }

    private static boolean startsWithType(String contentType, String type) {
        return contentType.regionMatches(true, 0, type, 0, type.length())
                && (contentType.length() == type.length() || contentType.charAt(type.length()) == ';'
                        || Character.isWhitespace(contentType.charAt(type.length())));
    }
}
