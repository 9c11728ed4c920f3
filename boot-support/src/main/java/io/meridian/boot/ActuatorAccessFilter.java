package io.meridian.boot;

import java.util.List;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Actuator needs the admin token, except health and its liveness and readiness groups (what
 * probes and load balancers read): metrics, info and everything else an endpoint may reveal are
 * for operators ({@link ActuatorAccessRule}). Applies wherever actuator is served, on the main port
 * or on its own ({@code management.server.port}); registered only when an admin token is configured.
 *
 * <p>Security note: it reads the request's path after each application's canonical-path filter has
 * replaced the client's spelling (that filter runs first, on every port), and canonicalises it
 * again itself, so a spelling never gets past it even where that filter were skipped.
 */
public final class ActuatorAccessFilter implements WebFilter, Ordered {

    /** Early, right after the canonical path is settled and before anything serves the request. */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

    private final ActuatorAccessRule rule;
    private final AdminCredential credential;
    private final AdminRefusalWriter refusal;

    /**
     * Creates the filter.
     *
     * @param basePath   actuator's base path ({@code management.endpoints.web.base-path})
     * @param credential the admin token
     * @param refusal    writes the 401
     */
    public ActuatorAccessFilter(String basePath, AdminCredential credential, AdminRefusalWriter refusal) {
        this.rule = new ActuatorAccessRule(basePath);
        this.credential = credential;
        this.refusal = refusal;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!rule.needsToken(exchange.getRequest().getPath().pathWithinApplication().value())) {
            return chain.filter(exchange);
        }
        List<String> authorization = exchange.getRequest().getHeaders().getValuesAsList(HttpHeaders.AUTHORIZATION);
        // Two copies are refused whichever carries the token: a proxy in front may judge by the other.
        String reason = authorization.size() > 1
                ? "send one Authorization header, not " + authorization.size()
                : credential.refusal(authorization.isEmpty() ? null : authorization.get(0));
        if (reason == null) {
            return chain.filter(exchange);
        }
        exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"meridian-admin\"");
        return refusal.write(exchange, reason);
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
