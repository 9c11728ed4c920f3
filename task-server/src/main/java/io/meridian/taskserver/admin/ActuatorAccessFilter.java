package io.meridian.taskserver.admin;

import io.meridian.path.CanonicalPath;
import io.meridian.path.RejectedPathException;
import io.meridian.taskserver.web.ApiError;
import io.meridian.taskserver.web.ApiException;
import java.nio.charset.StandardCharsets;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Actuator needs the admin token, except health and its liveness and readiness groups (what
 * probes and load balancers read): metrics, info and everything else an endpoint may reveal are
 * for operators. Applies wherever actuator is served, on the main port or on its own.
 *
 * <p>Security note: it compares the canonical path ({@link io.meridian.taskserver.web.CanonicalPathFilter}
 * runs first and replaces the client's spelling), the one the actuator mapping serves; comparing
 * the path as written let {@code /%61ctuator/prometheus} and {@code /actuator;x=1/prometheus}
 * through without the token.
 */
final class ActuatorAccessFilter implements WebFilter, Ordered {

    private final String basePath;
    private final AdminToken token;

    ActuatorAccessFilter(String basePath, AdminToken token) {
        this.basePath = basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath;
        this.token = token;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = canonical(exchange.getRequest().getPath().pathWithinApplication().value());
        if (!path.startsWith(basePath + "/") && !path.equals(basePath)) {
            return chain.filter(exchange);
        }
        String endpoint = path.substring(basePath.length());
        if (endpoint.equals("/health") || endpoint.startsWith("/health/")) {
            return chain.filter(exchange);
        }
        try {
            token.check(exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION));
        } catch (ApiException refused) {
            ServerHttpResponse response = exchange.getResponse();
            response.setStatusCode(HttpStatus.UNAUTHORIZED);
            response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
            response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"meridian-admin\"");
            byte[] body = new ApiError(ApiError.UNAUTHORIZED, refused.getMessage(), HttpHeaders.AUTHORIZATION, 401)
                    .body().toJson().getBytes(StandardCharsets.UTF_8);
            return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
        }
        return chain.filter(exchange);
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
