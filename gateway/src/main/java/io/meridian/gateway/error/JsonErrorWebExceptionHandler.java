package io.meridian.gateway.error;

import io.meridian.protocol.ErrorCodes;
import io.meridian.protocol.MeridianException;
import io.netty.handler.timeout.ReadTimeoutException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.DisconnectedClientHelper;
import reactor.core.publisher.Mono;

/**
 * Every error the gateway itself reports, as JSON. Runs before Spring Boot's default handler,
 * which would render HTML or a body with framework internals.
 *
 * <p>A feature's refusal is a {@link MeridianException}, which carries its own status, code, field
 * and {@code Retry-After}; this handler maps that one type and knows no feature's exceptions.
 * Client mistakes are 4xx with a message that names what was wrong; failures to reach a
 * region are 502/504; anything unexpected is a 500 whose body says nothing of the internals
 * (the stack trace goes to the log, once).
 */
@Component
@Order(-2)
class JsonErrorWebExceptionHandler implements ErrorWebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(JsonErrorWebExceptionHandler.class);

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        if (DisconnectedClientHelper.isClientDisconnectedException(ex)) {
            // The client went away (closed its connection, reset it): nobody is left to answer, and
            // a stack trace per vanished client would flood the log under load.
            log.debug("Client went away during {} {}: {}", exchange.getRequest().getMethod(),
                    exchange.getRequest().getPath(), ex.toString());
            return Mono.empty();
        }
        if (findCause(ex, MeridianException.class) instanceof MeridianException meridian) {
            // A feature's own refusal (residency, client address, body size...): it names its
            // status, code, field and, where the client should come back later, its Retry-After.
            String retryAfter = meridian.retryAfterHeader();
            if (retryAfter != null) {
                exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, retryAfter);
            }
            return ErrorResponses.write(exchange, HttpStatusCode.valueOf(meridian.status()), meridian.code(),
                    meridian.body().message(), meridian.field());
        }
        if (findCause(ex, ReadTimeoutException.class) != null) {
            // The client's body stopped arriving (meridian.server.body-read-timeout): its fault, not
            // ours, and the rest of it can no longer be told from a next request.
            exchange.getResponse().getHeaders().set(HttpHeaders.CONNECTION, "close");
            return ErrorResponses.write(exchange, HttpStatus.REQUEST_TIMEOUT, ErrorCodes.REQUEST_TIMEOUT,
                    "the request body stopped arriving before it was complete", "body");
        }
        if (ex instanceof MethodNotAllowedException notAllowed) {
            exchange.getResponse().getHeaders().setAllow(notAllowed.getSupportedMethods());
            return ErrorResponses.write(exchange, notAllowed.getStatusCode(), ErrorCodes.METHOD_NOT_ALLOWED,
                    "method " + notAllowed.getHttpMethod() + " is not allowed here; allowed: "
                            + notAllowed.getSupportedMethods(), null);
        }
        if (ex instanceof ResponseStatusException status) {
            return ErrorResponses.write(exchange, status.getStatusCode(), code(status.getStatusCode()),
                    message(status), null);
        }
        if (isConnectFailure(ex)) {
            return ErrorResponses.write(exchange, HttpStatus.BAD_GATEWAY, ErrorCodes.REGION_UNAVAILABLE,
                    "the selected region could not be reached", null);
        }
        if (ex instanceof TimeoutException) {
            return ErrorResponses.write(exchange, HttpStatus.GATEWAY_TIMEOUT, ErrorCodes.REGION_TIMEOUT,
                    "the selected region did not answer in time", null);
        }
        log.error("Unexpected error on {} {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath(), ex);
        return ErrorResponses.write(exchange, HttpStatus.INTERNAL_SERVER_ERROR, ErrorCodes.INTERNAL_ERROR,
                "the gateway failed to handle this request", null);
    }

    private static @Nullable Throwable findCause(Throwable ex, Class<? extends Throwable> type) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return t;
            }
        }
        return null;
    }

    private static boolean isConnectFailure(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t.getClass().getName().endsWith("ConnectTimeoutException")
                    || t.getClass().getName().endsWith("PrematureCloseException")) {
                return true;
            }
        }
        return false;
    }

    static String code(HttpStatusCode status) {
        return switch (status.value()) {
            case 400 -> ErrorCodes.BAD_REQUEST;
            case 404 -> ErrorCodes.NOT_FOUND;
            case 405 -> ErrorCodes.METHOD_NOT_ALLOWED;
            case 406 -> ErrorCodes.NOT_ACCEPTABLE;
            case 413 -> ErrorCodes.PAYLOAD_TOO_LARGE;
            case 415 -> ErrorCodes.UNSUPPORTED_MEDIA_TYPE;
            case 429 -> ErrorCodes.TOO_MANY_REQUESTS;
            case 502 -> ErrorCodes.BAD_GATEWAY;
            case 503 -> ErrorCodes.UNAVAILABLE;
            case 504 -> ErrorCodes.REGION_TIMEOUT;
            default -> status.is4xxClientError() ? ErrorCodes.CLIENT_ERROR : ErrorCodes.SERVER_ERROR;
        };
    }

    private static String message(ResponseStatusException ex) {
        if (ex.getStatusCode().value() == 404) {
            return "no route for this path; Meridian serves /process, /v1/** and Ollama's /api/chat, /api/generate, /api/tags and /api/version";
        }
        String reason = ex.getReason();
        if (reason != null && !reason.isBlank()) {
            return reason;
        }
        HttpStatus known = HttpStatus.resolve(ex.getStatusCode().value());
        return known == null ? "request failed" : known.getReasonPhrase().toLowerCase(java.util.Locale.ROOT);
    }
}
