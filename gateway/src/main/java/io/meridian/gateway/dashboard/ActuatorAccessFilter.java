package io.meridian.gateway.dashboard;

import io.meridian.gateway.error.ErrorResponses;
import io.meridian.path.CanonicalPath;
import io.meridian.path.RejectedPathException;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Actuator needs the admin token, except health and its liveness and readiness groups (what
 * probes and load balancers read): metrics, info and everything else are for operators. Applies
 * wherever actuator is served, on the main port or on its own ({@code management.server.port});
 * registered only when an admin token is configured.
 *
 * <p>Security note: it compares the canonical path ({@link io.meridian.gateway.path.CanonicalPathFilter}
 * runs first and replaces the client's spelling), the one the actuator mapping serves; comparing
 * the path as written let {@code /%61ctuator/prometheus} and {@code /actuator;x=1/prometheus}
 * through without the token.
 */
final class ActuatorAccessFilter implements WebFilter, Ordered {

    private final String basePath;
    private final AdminCredential credential;

    ActuatorAccessFilter(String basePath, AdminCredential credential) {
        this.basePath = basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath;
        this.credential = credential;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = canonical(exchange.getRequest().getPath().pathWithinApplication().value());
        if (!path.startsWith(basePath)) {
            return chain.filter(exchange);
        }
        String endpoint = path.substring(basePath.length());
        if (!(endpoint.isEmpty() || endpoint.startsWith("/")) || endpoint.equals("/health") || endpoint.startsWith("/health/")) {
            return chain.filter(exchange);
        }
        String refusal = credential.refusal(exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION));
        if (refusal == null) {
            return chain.filter(exchange);
        }
        exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"meridian-admin\"");
        return ErrorResponses.write(exchange, HttpStatus.UNAUTHORIZED, "unauthorized", refusal, HttpHeaders.AUTHORIZATION);
    }

    /**
     * The canonical form of {@code path}; {@code path} itself once CanonicalPathFilter has run,
     * which it has on every port. Were it ever skipped, a path with no canonical form is read as
     * the actuator's base path, so it needs the token rather than slipping past the comparison.
     */
    private String canonical(String path) {
        try {
            return CanonicalPath.of(path);
        } catch (RejectedPathException refused) {
            return basePath;
        }
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 10;
    }
}
