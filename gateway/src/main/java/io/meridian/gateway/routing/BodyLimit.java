package io.meridian.gateway.routing;

import io.meridian.gateway.error.ErrorResponses;
import io.meridian.protocol.ErrorCodes;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The request-body limit ({@code meridian.proxy.max-body-size}) for routed requests.
 *
 * <p>A body that declares its length is judged before anything else is read: over the limit, the
 * answer is {@code 413 payload_too_large} at once. A body without a declared length (chunked) can
 * only be counted while it flows: the request is wrapped so that its body fails with
 * {@link BodyTooLargeException} past the limit, which the error handler turns into the same 413.
 * Without this a client could make the gateway buffer or stream any amount by leaving the length out.
 */
final class BodyLimit {

    private final long maxBytes;

    BodyLimit(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Whether the request declares a body longer than the limit. */
    boolean declaredTooLarge(ServerHttpRequest request) {
        return request.getHeaders().getContentLength() > maxBytes;
    }

    /** The answer to a request whose declared body is over the limit. */
    Mono<Void> refuse(ServerWebExchange exchange) {
        long length = exchange.getRequest().getHeaders().getContentLength();
        return ErrorResponses.write(exchange, HttpStatus.CONTENT_TOO_LARGE, ErrorCodes.PAYLOAD_TOO_LARGE,
                "request body of " + length + " bytes exceeds the limit of " + maxBytes + " bytes", "body");
    }

    /** The exchange with a body of undeclared length counted against the limit as it is read. */
    ServerWebExchange limitUndeclared(ServerWebExchange exchange) {
        ServerHttpRequest request = exchange.getRequest();
        HttpHeaders headers = request.getHeaders();
        if (headers.getContentLength() < 0 && headers.containsHeader(HttpHeaders.TRANSFER_ENCODING)) {
            return exchange.mutate().request(new LimitedBodyRequest(request, maxBytes)).build();
        }
        return exchange;
    }

    /** Counts a streamed body and fails it with {@link BodyTooLargeException} past the limit. */
    private static final class LimitedBodyRequest extends ServerHttpRequestDecorator {

        private final long limit;

        LimitedBodyRequest(ServerHttpRequest delegate, long limit) {
            super(delegate);
            this.limit = limit;
        }

        @Override
        public Flux<DataBuffer> getBody() {
            long[] seen = {0};
            return super.getBody().handle((buffer, sink) -> {
                seen[0] += buffer.readableByteCount();
                if (seen[0] > limit) {
                    DataBufferUtils.release(buffer);
                    sink.error(new BodyTooLargeException(limit));
                } else {
                    sink.next(buffer);
                }
            });
        }
    }
}
