package io.meridian.taskserver.worker;

import io.meridian.protocol.MeridianHeaders;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Extends the {@link ScalingHold} for each request that carries {@code X-Meridian-Scaling: hold}.
 * Only the gateway sends it (the region's API is behind mutual TLS to the gateways); any other
 * value is ignored, never refused: it is advice about scaling, not part of the request.
 */
final class ScalingHoldFilter implements WebFilter, Ordered {

    private final ScalingHold hold;

    ScalingHoldFilter(ScalingHold hold) {
        this.hold = hold;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (MeridianHeaders.SCALING_HOLD.equals(exchange.getRequest().getHeaders().getFirst(MeridianHeaders.SCALING))) {
            hold.extend();
        }
        return chain.filter(exchange);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 100;
    }
}
