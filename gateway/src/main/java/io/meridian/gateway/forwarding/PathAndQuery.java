package io.meridian.gateway.forwarding;

import java.net.URI;

/** The request-target a region is sent. */
final class PathAndQuery {

    private PathAndQuery() {
    }

    /**
     * The endpoint's base path followed by the request's path and query, both still encoded. The
     * request's path is its canonical one: {@link io.meridian.gateway.path.CanonicalPathFilter}
     * replaced the client's spelling before any route matched, so the region is sent the path that
     * every check saw, never {@code ..} or a {@code ;} as the client wrote them.
     */
    static String of(URI endpoint, URI request) {
        String path = request.getRawPath();
        String query = request.getRawQuery();
        String basePath = endpoint.getRawPath();
        if ((basePath == null || basePath.isEmpty()) && query == null && path != null && !path.isEmpty()) {
            return path;
        }
        StringBuilder url = new StringBuilder(16 + (path == null ? 1 : path.length()) + (query == null ? 0 : query.length()));
        if (basePath != null && !basePath.equals("/")) {
            url.append(basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath);
        }
        url.append(path == null || path.isEmpty() ? "/" : path);
        if (query != null) {
            url.append('?').append(query);
        }
        return url.toString();
    }
}
