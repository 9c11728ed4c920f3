package io.meridian.gateway.path;

import io.meridian.gateway.error.ErrorResponses;
import io.meridian.path.CanonicalPath;
import io.meridian.path.reactive.CanonicalRequest;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Decides, once and first, which path a request is for: its {@link CanonicalPath}, or
 * {@code 400 invalid_path} (field {@code path}) when the path has no one meaning.
 *
 * <p>A request whose path changes goes on with the canonical path in place of the one it was
 * sent with ({@link ServerHttpRequest#getPath()} and {@link ServerHttpRequest#getURI()}; the query
 * is kept as sent), so the route predicates, the API key check, the rate limits, budgets,
 * residency, routing, task affinity, the actuator's admin check and the request forwarded to the
 * region all read the same path. Runs on the main port and on the management port alike.
 *
 * <p>Security note: every path comparison in the gateway relies on this filter having run. Before
 * it, {@code /%70rocess} and {@code /process;x=1} matched the route while the key check, which
 * compares the path as written, let them through without a key; {@code /%61ctuator/prometheus}
 * skipped the admin token. A filter ordered before {@link #ORDER} sees the path as the client
 * wrote it and must not decide anything on it.
 */
public final class CanonicalPathFilter implements WebFilter, Ordered {

    /** Right after the filters that only attach telemetry and response headers, before any that decides. */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 1;

    /** The error code of a refused path. */
    public static final String INVALID_PATH = "invalid_path";

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return CanonicalRequest.filter(exchange, chain, this::refuse);
    }

    private Mono<Void> refuse(ServerWebExchange exchange, String reason) {
        return ErrorResponses.write(exchange, HttpStatus.BAD_REQUEST, INVALID_PATH, "invalid request path: " + reason, "path");
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
