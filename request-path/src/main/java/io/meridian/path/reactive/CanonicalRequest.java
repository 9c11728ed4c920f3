package io.meridian.path.reactive;

import io.meridian.path.CanonicalPath;
import io.meridian.path.RejectedPathException;
import java.net.URI;
import java.util.function.BiFunction;
import org.springframework.http.server.RequestPath;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * A client's request with its path replaced by its {@link CanonicalPath}: {@link #getURI()} and
 * {@link #getPath()} give the canonical path and the query as sent; everything else, the headers
 * object included, is the client's request's own.
 */
public final class CanonicalRequest extends ServerHttpRequestDecorator {

    private final URI uri;

    private final RequestPath path;

    private CanonicalRequest(ServerHttpRequest delegate, String canonical) {
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

    /**
     * The request as it should be read from now on.
     *
     * @param request the client's request
     * @return {@code request} itself when its path is already canonical, else the request with the
     *         canonical path in place of the client's
     * @throws io.meridian.path.RejectedPathException when the path cannot be given one meaning
     * @throws IllegalArgumentException when the canonical path no longer starts with the
     *         application's context path
     */
    public static ServerHttpRequest of(ServerHttpRequest request) {
        String raw = request.getURI().getRawPath();
        String canonical = CanonicalPath.of(raw == null ? "" : raw);
        return canonical.equals(raw) ? request : new CanonicalRequest(request, canonical);
    }

    /**
     * Goes on with the exchange's canonical request, or refuses it: the body of a
     * {@link org.springframework.web.server.WebFilter} that puts the canonical path in place first.
     *
     * @param exchange the exchange as the client sent it
     * @param chain    the rest of the filters
     * @param refusal  writes the {@code 400} answer, given the exchange and why its path was refused
     * @return the rest of the chain on the canonical request, or the refusal
     */
    public static Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain,
            BiFunction<ServerWebExchange, String, Mono<Void>> refusal) {
        ServerHttpRequest canonical;
        try {
            canonical = of(exchange.getRequest());
        } catch (RejectedPathException refused) {
            return refusal.apply(exchange, refused.getMessage());
        } catch (IllegalArgumentException outsideContext) {
            return refusal.apply(exchange, "the path leaves the application's base path");
        }
        return chain.filter(canonical == exchange.getRequest() ? exchange : exchange.mutate().request(canonical).build());
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
