package io.meridian.boot;

import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Answers a request that the admin token does not let through: {@code 401} with the application's
 * JSON error ({@code unauthorized}, field {@code Authorization}). Each application defines one
 * bean of this type, in its own error shape; {@link #STATUS_ONLY} stands in when none is defined.
 */
@FunctionalInterface
public interface AdminRefusalWriter {

    /** A {@code 401} with no body: still a refusal, for an application that names no writer. */
    AdminRefusalWriter STATUS_ONLY = (exchange, reason) -> {
        exchange.getResponse().setStatusCode(HttpStatus.UNAUTHORIZED);
        return exchange.getResponse().setComplete();
    };

    /**
     * Completes the exchange with the refusal.
     *
     * @param exchange the refused request; its {@code WWW-Authenticate} header is already set
     * @param reason   why it is refused, from {@link AdminCredential#refusal}
     * @return completes when the answer is written
     */
    Mono<Void> write(ServerWebExchange exchange, String reason);
}
