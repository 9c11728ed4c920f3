package io.meridian.taskserver.web;

import io.lettuce.core.RedisException;
import io.meridian.protocol.ErrorCodes;
import io.meridian.protocol.MeridianException;
import io.meridian.taskserver.llm.ModelFailureException;
import io.meridian.taskserver.llm.ModelTimeoutException;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.core.Ordered;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.ErrorResponse;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.databind.DatabindException;

/**
 * Turns every failure, on every path (actuator included), into an {@link ApiError} JSON answer:
 * in OpenAI's shape on OpenAI's endpoints ({@link io.meridian.protocol.OpenAiErrors}), in Ollama's
 * on Ollama's ({@link io.meridian.protocol.OllamaErrors}), in Meridian's everywhere else.
 * It replaces Spring Boot's default error handler, whose body has another shape. The body is
 * written by the protocol's {@link io.meridian.protocol.ErrorBody}, not by the object mapper: the
 * error path must not depend on mapper configuration that might itself be what failed.
 *
 * <p>Client faults (4xx) say precisely what was wrong; server faults never leak internals: a model
 * failure names the backend only, and an unexpected exception answers 500 {@code internal_error}
 * with a fixed message while the stack trace goes to the log.
 */
final class ApiErrorWebExceptionHandler implements ErrorWebExceptionHandler, Ordered {

    /** Order of this handler: ahead of Spring's own status handlers (order 0). */
    static final int ORDER = -1;

    private static final Logger log = LoggerFactory.getLogger(ApiErrorWebExceptionHandler.class);

    private static final int MAX_ECHOED_LENGTH = 200;

    private final int maxRequestBytes;

    ApiErrorWebExceptionHandler(int maxRequestBytes) {
        this.maxRequestBytes = maxRequestBytes;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable failure) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.error(failure);
        }
        ServerHttpRequest request = exchange.getRequest();
        ApiError error = toApiError(request, failure);
        logFailure(request, error, failure);

        response.setStatusCode(HttpStatus.valueOf(error.status()));
        HttpHeaders headers = response.getHeaders();
        if (failure instanceof ErrorResponse errorResponse) {
            headers.addAll(errorResponse.getHeaders()); // Allow on 405, Accept on 415
        }
        if (error.error().equals(ApiError.QUEUE_UNAVAILABLE)) {
            headers.set(HttpHeaders.RETRY_AFTER, "1");
        }
        if (failure instanceof MeridianException meridian && meridian.retryAfterHeader() != null) {
            headers.set(HttpHeaders.RETRY_AFTER, meridian.retryAfterHeader());
        }
        headers.setContentType(MediaType.APPLICATION_JSON);
        byte[] body = error.body().toJson(request.getPath().value()).getBytes(StandardCharsets.UTF_8);
        headers.setContentLength(body.length);
        return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(body)));
    }

    ApiError toApiError(ServerHttpRequest request, Throwable failure) {
        if (failure instanceof MeridianException meridian) {
            // A feature's own refusal (invalid request, task not found, queue full, overloaded...).
            return new ApiError(meridian.code(), messageOf(meridian), meridian.field(), meridian.status());
        }
        if (causeOf(failure, RedisException.class) != null) {
            // Lettuce reconnects by itself; the client should come back in a moment with the same key.
            return new ApiError(ApiError.QUEUE_UNAVAILABLE, "the region's queue store (Redis) did not answer; "
                    + "try again with the same Idempotency-Key, which never creates a second task", null, 503);
        }
        if (failure instanceof ModelTimeoutException timeout) {
            return new ApiError(ApiError.MODEL_TIMEOUT, messageOf(timeout), null, 504);
        }
        if (failure instanceof ModelFailureException model) {
            return new ApiError(ApiError.MODEL_ERROR, messageOf(model), null, 502);
        }
        if (causeOf(failure, DataBufferLimitException.class) != null) {
            return new ApiError(ApiError.PAYLOAD_TOO_LARGE,
                    "request body must be at most " + maxRequestBytes + " bytes", null, 413);
        }
        if (failure instanceof ServerWebInputException input && misfitField(input) != null) {
            // valid JSON whose value does not fit the field it was bound to (2^63 or 1.5 for an int)
            String field = misfitField(input);
            return new ApiError(ApiError.INVALID_REQUEST, field + " has a value that does not fit it: "
                    + jsonProblem(input), field, 400);
        }
        if (failure instanceof ServerWebInputException input && isMalformedBody(input)) {
            return new ApiError(ApiError.MALFORMED_JSON, "request body is not valid JSON: " + jsonProblem(input),
                    null, 400);
        }
        if (failure instanceof ErrorResponse errorResponse) {
            return fromStatus(request, failure, errorResponse.getStatusCode().value());
        }
        return new ApiError(ApiError.INTERNAL_ERROR, "an unexpected error occurred; it has been logged", null, 500);
    }

    private ApiError fromStatus(ServerHttpRequest request, Throwable failure, int status) {
        String where = request.getMethod().name() + " " + echo(request.getPath().value());
        return switch (status) {
            case 404 -> new ApiError(ApiError.NOT_FOUND, "no endpoint at " + where, null, 404);
            case 405 -> new ApiError(ApiError.METHOD_NOT_ALLOWED, "method " + request.getMethod().name()
                    + " is not allowed here; use " + allowed(failure), null, 405);
            case 406 -> new ApiError(ApiError.NOT_ACCEPTABLE,
                    "cannot answer " + where + " in a media type the Accept header allows; ask for application/json",
                    null, 406);
            case 413 -> new ApiError(ApiError.PAYLOAD_TOO_LARGE,
                    "request body must be at most " + maxRequestBytes + " bytes", null, 413);
            case 415 -> new ApiError(ApiError.UNSUPPORTED_MEDIA_TYPE,
                    "content type " + contentType(failure) + " is not supported; send application/json", null, 415);
            default -> otherStatus(failure, status);
        };
    }

    private static ApiError otherStatus(Throwable failure, int status) {
        HttpStatus known = HttpStatus.resolve(status);
        String phrase = known != null ? known.getReasonPhrase() : "error";
        String code = ErrorCodes.fromReasonPhrase(phrase);
        if (status >= 500) {
            return new ApiError(code, phrase, null, status);
        }
        String reason = failure instanceof ServerWebInputException input ? input.getReason() : null;
        return new ApiError(code, reason != null ? reason : phrase, null, status);
    }

    /**
     * The field, as a dotted path ({@code min}, {@code items[2].size}), whose value Jackson could
     * not bind to its Java type, when the body itself is well-formed JSON; otherwise {@code null}.
     */
    private static @Nullable String misfitField(ServerWebInputException input) {
        JacksonException jackson = causeOf(input, JacksonException.class);
        if (!(jackson instanceof InputCoercionException || jackson instanceof DatabindException)
                || jackson.getPath().isEmpty()) {
            return null;
        }
        StringBuilder field = new StringBuilder();
        for (JacksonException.Reference reference : jackson.getPath()) {
            if (reference.getPropertyName() != null) {
                field.append(field.isEmpty() ? "" : ".").append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                field.append('[').append(reference.getIndex()).append(']');
            }
        }
        return field.isEmpty() ? null : echo(field.toString());
    }

    private static boolean isMalformedBody(ServerWebInputException input) {
        return causeOf(input, DecodingException.class) != null || causeOf(input, JacksonException.class) != null;
    }

    private static String jsonProblem(Throwable failure) {
        JacksonException jackson = causeOf(failure, JacksonException.class);
        if (jackson == null) {
            return "it could not be decoded";
        }
        String problem = firstLine(jackson.getOriginalMessage());
        TokenStreamLocation location = jackson.getLocation();
        if (location != null && location.getLineNr() > 0) {
            problem += " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
        }
        return problem;
    }

    private static String allowed(Throwable failure) {
        if (failure instanceof MethodNotAllowedException notAllowed && !notAllowed.getSupportedMethods().isEmpty()) {
            return String.join(", ", notAllowed.getSupportedMethods().stream().map(m -> m.name()).sorted().toList());
        }
        return "another method";
    }

    private static String contentType(Throwable failure) {
        if (failure instanceof UnsupportedMediaTypeStatusException unsupported
                && unsupported.getContentType() != null) {
            return "'" + echo(unsupported.getContentType().toString()) + "'";
        }
        return "(none)";
    }

    private static String messageOf(Throwable failure) {
        String message = failure.getMessage();
        return message != null ? message : failure.getClass().getSimpleName();
    }

    private static String firstLine(@Nullable String text) {
        if (text == null || text.isBlank()) {
            return "it could not be parsed";
        }
        int newline = text.indexOf('\n');
        return echo(newline < 0 ? text : text.substring(0, newline));
    }

    /** Bounds what is echoed from the request, so an error answer cannot be made arbitrarily large. */
    private static String echo(String text) {
        return text.length() <= MAX_ECHOED_LENGTH ? text : text.substring(0, MAX_ECHOED_LENGTH) + "...";
    }

    private static <T extends Throwable> @Nullable T causeOf(Throwable failure, Class<T> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return null;
    }

    private static void logFailure(ServerHttpRequest request, ApiError error, Throwable failure) {
        if (error.status() == 500) {
            log.error("Unexpected failure on {} {}", request.getMethod(), request.getPath(), failure);
        }
        else if (error.status() >= 500) {
            log.warn("{} {} answered {} {}: {}", request.getMethod(), request.getPath(), error.status(),
                    error.error(), error.message());
        }
        else if (log.isDebugEnabled()) {
            log.debug("{} {} answered {} {}: {}", request.getMethod(), request.getPath(), error.status(),
                    error.error(), error.message());
        }
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
