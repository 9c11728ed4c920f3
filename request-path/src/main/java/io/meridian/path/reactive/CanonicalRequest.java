package io.meridian.path.reactive;

import io.meridian.path.CanonicalPath;
import java.net.URI;
import org.springframework.http.server.RequestPath;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;

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

    @Override
    public URI getURI() {
        return uri;
    }

    @Override
    public RequestPath getPath() {
        return path;
    }
}
