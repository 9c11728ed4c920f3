package io.meridian.taskserver.web;

import io.meridian.path.CanonicalPath;
import io.meridian.path.reactive.CanonicalRequest;
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
 * Decides, once and before any other filter or handler mapping, which path a request is for: its
 * {@link CanonicalPath} (the rule the gateway applies too), or {@code 400 invalid_path} (field
 * {@code path}) when the path has no one meaning. A request whose path changes goes on with the
 * canonical path in place of the one it was sent with, so the handler mappings, the actuator's
 * admin check and every filter read the same path. Runs on the API port and on the management
 * port alike.
 *
 * <p>Security note: a region is reachable without the gateway (inside its network, or through a
 * misconfigured one), so it does not rely on the gateway having settled the path. Before this
 * filter, {@code /%61ctuator/prometheus} and {@code /actuator;x=1/prometheus} were served without
 * the admin token, because the admin check compared the path as written while the actuator
 * mapping decoded it. The answer is written here rather than raised: the management port has no
 * {@link ApiErrorWebExceptionHandler}.
 */
public final class CanonicalPathFilter implements WebFilter, Ordered {

    /** After the region header (so a refusal names the region), before everything else. */
    public static final int ORDER = RegionHeaderFilter.ORDER + 1;

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return CanonicalRequest.filter(exchange, chain, this::refuse);
    }

    private Mono<Void> refuse(ServerWebExchange exchange, String reason) {
        ServerHttpResponse response = exchange.getResponse();
        byte[] body = new ApiError(ApiError.INVALID_PATH, "invalid request path: " + reason, "path",
                HttpStatus.BAD_REQUEST.value()).body().toJson(exchange.getRequest().getPath().value())
                .getBytes(StandardCharsets.UTF_8);
        response.setStatusCode(HttpStatus.BAD_REQUEST);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        response.getHeaders().setContentLength(body.length);
        response.getHeaders().set(HttpHeaders.CACHE_CONTROL, "no-store");
        return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(body)));
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
