package io.meridian.gateway.error;

import io.meridian.protocol.ErrorBody;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Writes Meridian's JSON error document:
 * {@code {"error":"<code>","message":"<what was wrong>","field":"<field or header>"|null,"status":<int>}},
 * and on OpenAI's endpoints ({@code /v1/chat/completions}, {@code /v1/models}, ...) the same in
 * OpenAI's shape, {@code {"error":{"message","type","param","code"}}}, which OpenAI's clients read.
 *
 * <p>The same shapes come from the gateway and the task servers, so a client handles one format
 * whoever answered: the document is the protocol's {@link ErrorBody}, with codes from
 * {@link io.meridian.protocol.ErrorCodes}, its shape chosen by the request's path
 * ({@link io.meridian.protocol.OpenAiErrors}).
 */
public final class ErrorResponses {

    /** Bodies up to this size are read and discarded before an error answer; larger ones close the connection. */
    static final long DRAIN_LIMIT = 8L * 1024 * 1024;

    private ErrorResponses() {
    }

    /** Completes the exchange with a JSON error; a response already committed is left alone. */
    public static Mono<Void> write(ServerWebExchange exchange, HttpStatusCode status, String code, String message,
            @Nullable String field) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.empty();
        }
        byte[] body = json(exchange.getRequest().getPath().value(), status.value(), code, message, field)
                .getBytes(StandardCharsets.UTF_8);
        response.setStatusCode(status);
        HttpHeaders headers = response.getHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        headers.setContentLength(body.length);
        headers.set(HttpHeaders.CACHE_CONTROL, "no-store");
        ServerHttpRequest request = exchange.getRequest();
        long length = request.getHeaders().getContentLength();
        boolean streamed = length < 0 && request.getHeaders().containsHeader(HttpHeaders.TRANSFER_ENCODING);
        Mono<Void> write = response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(body)));
        if (length > DRAIN_LIMIT) {
            // Not worth reading just to throw away: end the connection after this answer instead.
            headers.set(HttpHeaders.CONNECTION, "close");
            return write;
        }
        if (length <= 0 && !streamed) {
            return write;
        }
        // Read (and drop) the body we are refusing before answering: a body left unread on a
        // kept-alive connection can stall the next request that arrives on it, and a client still
        // sending would see its connection cut before it reads the answer. A streamed body that
        // turns out larger than the limit is cut off and the connection closed.
        long[] seen = {0};
        return request.getBody()
                .takeWhile(buffer -> {
                    seen[0] += buffer.readableByteCount();
                    DataBufferUtils.release(buffer);
                    return seen[0] <= DRAIN_LIMIT;
                })
                .then()
                .onErrorResume(ex -> Mono.empty()) // already read, or the client went away
                .then(Mono.defer(() -> {
                    if (seen[0] > DRAIN_LIMIT) {
                        headers.set(HttpHeaders.CONNECTION, "close");
                    }
                    return write;
                }));
    }

    /** The error document as text: the protocol's {@link ErrorBody}, in Meridian's shape. */
    public static String json(int status, String code, String message, @Nullable String field) {
        return new ErrorBody(code, message, field, status).toJson();
    }

    /**
     * The error document as text for a request to {@code path}: in OpenAI's shape on OpenAI's
     * endpoints, else in Meridian's.
     */
    public static String json(String path, int status, String code, String message, @Nullable String field) {
        return new ErrorBody(code, message, field, status).toJson(path);
    }

    /**
     * The path of a request target as it appears on the request line: origin form
     * ({@code /v1/models?x}) or absolute form ({@code http://host/v1/models}), without the query.
     */
    public static String pathOf(String target) {
        int start = 0;
        int scheme = target.indexOf("://");
        if (scheme > 0 && target.indexOf('/') > scheme) {
            int slash = target.indexOf('/', scheme + 3);
            start = slash < 0 ? target.length() : slash;
        }
        int query = target.indexOf('?', start);
        return target.substring(start, query < 0 ? target.length() : query);
    }
}
