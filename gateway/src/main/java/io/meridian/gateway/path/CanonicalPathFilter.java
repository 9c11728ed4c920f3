package io.meridian.gateway.path;

import io.meridian.gateway.error.ErrorResponses;
import io.meridian.path.CanonicalPath;
import io.meridian.path.RejectedPathException;
import java.net.URI;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.RequestPath;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
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
        ServerHttpRequest request = exchange.getRequest();
        URI uri = request.getURI();
        String raw = uri.getRawPath();
        String canonical;
        try {
            canonical = CanonicalPath.of(raw == null ? "" : raw);
        } catch (RejectedPathException refused) {
            return refuse(exchange, refused.getMessage());
        }
        if (canonical.equals(raw)) {
            return chain.filter(exchange);
        }
        CanonicalRequest replaced;
        try {
            replaced = new CanonicalRequest(request, canonical);
        } catch (IllegalArgumentException outsideContext) {
            return refuse(exchange, "the path leaves the application's base path");
        }
        return chain.filter(exchange.mutate().request(replaced).build());
    }

    private static Mono<Void> refuse(ServerWebExchange exchange, String reason) {
        return ErrorResponses.write(exchange, HttpStatus.BAD_REQUEST, INVALID_PATH, "invalid request path: " + reason, "path");
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    /**
     * The client's request with its path replaced by the canonical one; everything else, the headers
     * object included, is the client's (the forwarding filter's fast header copy depends on that).
     */
    static final class CanonicalRequest extends ServerHttpRequestDecorator {

        private final URI uri;

        private final RequestPath path;

        CanonicalRequest(ServerHttpRequest delegate, String canonical) {
            super(delegate);
            URI original = delegate.getURI();
            StringBuilder text = new StringBuilder(64 + canonical.length());
            if (original.getScheme() != null) {
                text.append(original.getScheme()).append(':');
            }
            if (original.getRawAuthority() != null) {
                text.append("//").append(original.getRawAuthority());
            }
            text.append(canonical);
            if (original.getRawQuery() != null) {
                text.append('?').append(original.getRawQuery());
            }
            this.uri = URI.create(text.toString());
            this.path = RequestPath.parse(canonical, delegate.getPath().contextPath().value());
        }

        @Override
        public URI getURI() {
            return uri;
        }

        @Override
        public RequestPath getPath() {
            return path;
        }
    }
}
