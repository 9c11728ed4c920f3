package io.meridian.gateway.observability;

import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/** Hands the request's {@link RequestTelemetry} from the Reactor context to the exchange, before any other filter. */
final class TelemetryExchangeFilter implements WebFilter, Ordered {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return Mono.deferContextual(context -> {
            RequestTelemetry telemetry = context.getOrDefault(RequestTelemetry.class, null);
            if (telemetry != null) {
                telemetry.attach(exchange);
            }
            return chain.filter(exchange);
        });
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
