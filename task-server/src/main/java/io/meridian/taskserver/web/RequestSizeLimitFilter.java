package io.meridian.taskserver.web;

import org.springframework.core.Ordered;
import org.springframework.web.server.PayloadTooLargeException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses a request whose {@code Content-Length} exceeds the body limit with 413, before any of
 * the body is read.
 *
 * <p>The HTTP codecs enforce the same limit on every body, including chunked ones without a
 * length; this filter only answers sooner, and it avoids cancelling a half-read body, which makes
 * Reactor Netty log reference-count errors while it closes the connection.
 */
public final class RequestSizeLimitFilter implements WebFilter, Ordered {

    /** Order of this filter: right after {@link RegionHeaderFilter}. */
    public static final int ORDER = ProtocolVersionFilter.ORDER + 1;

    private final long maxRequestBytes;

    /**
     * Creates the filter.
     *
     * @param maxRequestBytes the largest accepted body, in bytes
     */
    public RequestSizeLimitFilter(long maxRequestBytes) {
        this.maxRequestBytes = maxRequestBytes;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (exchange.getRequest().getHeaders().getContentLength() > maxRequestBytes) {
            return Mono.error(new PayloadTooLargeException(null));
        }
        return chain.filter(exchange);
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
