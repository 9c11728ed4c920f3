package io.meridian.gateway.tls;

import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Adds {@code Strict-Transport-Security} to every answer given over TLS (RFC 6797 forbids it on
 * plain HTTP). Registered only when the server port speaks HTTPS, so that a plain-HTTP gateway does
 * not pay for it on every request.
 */
final class HstsFilter implements WebFilter, Ordered {

    static final String HEADER = "Strict-Transport-Security";

    private final @Nullable String value;

    /** @param value the header's value, or {@code null} when HSTS is switched off */
    HstsFilter(@Nullable String value) {
        this.value = value;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (value != null && exchange.getRequest().getSslInfo() != null) {
            exchange.getResponse().getHeaders().set(HEADER, value);
        }
        return chain.filter(exchange);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
