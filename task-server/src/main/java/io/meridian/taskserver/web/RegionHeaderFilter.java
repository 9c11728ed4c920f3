package io.meridian.taskserver.web;

import io.meridian.protocol.MeridianHeaders;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Names the region in every answer, errors included, in the {@value #HEADER} header, so that a
 * client or the gateway can tell which region served without parsing the body.
 */
public final class RegionHeaderFilter implements WebFilter, Ordered {

    /** The response header that carries the region id. */
    public static final String HEADER = MeridianHeaders.REGION;

    /** Order of this filter: first, so that no other filter can answer without the header. */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE;

    private final String region;

    /**
     * Creates the filter.
     *
     * @param region this server's region id
     */
    public RegionHeaderFilter(String region) {
        this.region = region;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        // Set at commit time: whatever answers (handler or error handler) cannot drop it.
        exchange.getResponse().beforeCommit(() -> {
            exchange.getResponse().getHeaders().set(HEADER, region);
            return Mono.empty();
        });
        return chain.filter(exchange);
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
