package io.meridian.gateway.forwarding;

import io.meridian.gateway.tenant.ApiKeys;
import io.meridian.protocol.MeridianHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.AsciiString;
import java.util.Iterator;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import reactor.netty.http.server.HttpServerRequest;

/**
 * Which headers cross the gateway, in each direction: the one rule set for every region.
 *
 * <p>Towards a region: everything the client sent except the hop-by-hop headers (RFC 9110 §7.6.1:
 * {@code Connection}, the names it lists, {@code Keep-Alive}, {@code Proxy-Connection},
 * {@code Proxy-Authenticate}, {@code Proxy-Authorization}, {@code TE}, {@code Trailer},
 * {@code Transfer-Encoding}, {@code Upgrade}), {@code Host} (the region's own is sent),
 * {@code Content-Length} (the forwarding filter sets it from the body it sends), the forwarding
 * chains {@code Forwarded} and {@code X-Forwarded-*} (written by the client, they vouch for nothing,
 * and the client's address is personal data the region has no use for), the client's credentials
 * ({@code Authorization}, {@code X-API-Key}: the gateway authenticates, and the region learns the
 * tenant from {@code X-Meridian-Tenant}), the gateway's {@code X-Meridian-Tenant},
 * {@code X-Meridian-Allowed-Models}, {@code X-Meridian-Max-Tokens} and {@code X-Meridian-Scaling},
 * which only the gateway writes, and {@code X-Meridian-Client-IP} and {@code X-Meridian-Client-Country}, which are
 * gateway-only and never reach a region, whoever wrote them. Back to the client: the region's
 * answer without its hop-by-hop headers.
 *
 * <p>Performance note. This replaces Spring Cloud Gateway's chain of {@code HttpHeadersFilter}s,
 * which copies every header into a case-insensitive map once per filter (about a tenth of the
 * gateway's CPU under load, docs/benchmarks.md). When the request reaching the forwarding filter
 * is the server's own (no filter replaced its headers), the client's headers are read straight
 * from Netty; otherwise through the request's {@link HttpHeaders}.
 */
final class RegionHeaders {

    private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
    private static final String X_FORWARDED = "x-forwarded-";

    /** Dropped in both directions. */
    private static final AsciiString[] HOP_BY_HOP = {
            HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE, PROXY_CONNECTION,
            HttpHeaderNames.PROXY_AUTHENTICATE, HttpHeaderNames.PROXY_AUTHORIZATION, HttpHeaderNames.TE,
            HttpHeaderNames.TRAILER, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.UPGRADE};

    /** Dropped towards a region only. */
    private static final AsciiString[] NOT_FORWARDED = {
            HttpHeaderNames.HOST, HttpHeaderNames.CONTENT_LENGTH, AsciiString.cached("forwarded"),
            HttpHeaderNames.AUTHORIZATION, AsciiString.cached(ApiKeys.HEADER.toLowerCase()),
            AsciiString.cached(MeridianHeaders.CLIENT_IP.toLowerCase()),
            AsciiString.cached(MeridianHeaders.CLIENT_COUNTRY.toLowerCase()),
            AsciiString.cached(MeridianHeaders.TENANT.toLowerCase()),
            AsciiString.cached(MeridianHeaders.ALLOWED_MODELS.toLowerCase()),
            AsciiString.cached(MeridianHeaders.MAX_TOKENS.toLowerCase()),
            AsciiString.cached(MeridianHeaders.SCALING.toLowerCase())};

    private static final @Nullable Class<?> SERVER_REQUEST = serverRequestClass();

    private RegionHeaders() {
    }

    /**
     * Copies the client's request headers that a region may see into {@code target}.
     *
     * @param request the request as the forwarding filter sees it
     */
    static void copyRequest(ServerHttpRequest request, io.netty.handler.codec.http.HttpHeaders target) {
        io.netty.handler.codec.http.HttpHeaders nettyHeaders = nettyHeaders(request);
        if (nettyHeaders != null) {
            String connection = nettyHeaders.get(HttpHeaderNames.CONNECTION);
            for (Iterator<Map.Entry<CharSequence, CharSequence>> it = nettyHeaders.iteratorCharSequence(); it.hasNext(); ) {
                Map.Entry<CharSequence, CharSequence> header = it.next();
                CharSequence name = header.getKey();
                if (forwarded(name, connection)) {
                    target.add(name, header.getValue());
                }
            }
            return;
        }
        HttpHeaders headers = request.getHeaders();
        String connection = headers.getFirst(HttpHeaders.CONNECTION);
        headers.forEach((name, values) -> {
            if (forwarded(name, connection)) {
                target.add(name, values);
            }
        });
    }

    /** Copies a region's answer headers that the client may see into {@code target}. */
    static void copyResponse(io.netty.handler.codec.http.HttpHeaders received, HttpHeaders target) {
        String connection = received.get(HttpHeaderNames.CONNECTION);
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = received.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> header = it.next();
            CharSequence name = header.getKey();
            if (!hopByHop(name, connection)) {
                target.add(name.toString(), header.getValue().toString());
            }
        }
    }

    /** Whether a request header named {@code name} goes to the region. */
    static boolean forwarded(CharSequence name, @Nullable String connection) {
        if (hopByHop(name, connection) || in(NOT_FORWARDED, name)) {
            return false;
        }
        return !(name.length() > X_FORWARDED.length() && startsWithIgnoreCase(name, X_FORWARDED));
    }

    /** Whether {@code name} is hop-by-hop, given the message's {@code Connection} header. */
    static boolean hopByHop(CharSequence name, @Nullable String connection) {
        return in(HOP_BY_HOP, name) || (connection != null && listed(connection, name));
    }

    private static boolean in(AsciiString[] names, CharSequence name) {
        for (AsciiString candidate : names) {
            if (candidate.contentEqualsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code name} is one of the comma-separated tokens of a {@code Connection} header. */
    private static boolean listed(String connection, CharSequence name) {
        int start = 0;
        int length = connection.length();
        while (start < length) {
            int end = connection.indexOf(',', start);
            if (end < 0) {
                end = length;
            }
            int from = start;
            int to = end;
            while (from < to && Character.isWhitespace(connection.charAt(from))) {
                from++;
            }
            while (to > from && Character.isWhitespace(connection.charAt(to - 1))) {
                to--;
            }
            if (to - from == name.length() && connection.regionMatches(true, from, name.toString(), 0, name.length())) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }

    private static boolean startsWithIgnoreCase(CharSequence name, String prefix) {
        for (int i = 0; i < prefix.length(); i++) {
            if (Character.toLowerCase(name.charAt(i)) != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The Netty headers behind {@code request} if no filter replaced them, else {@code null}. */
    private static io.netty.handler.codec.http.@Nullable HttpHeaders nettyHeaders(ServerHttpRequest request) {
        // Decorators that keep the client's headers object (the canonical path, the body limit)
        // change nothing the copy reads; one with headers of its own ends the fast path.
        ServerHttpRequest unwrapped = request;
        while (unwrapped instanceof ServerHttpRequestDecorator decorator
                && decorator.getHeaders() == decorator.getDelegate().getHeaders()) {
            unwrapped = decorator.getDelegate();
        }
        if (SERVER_REQUEST == null || unwrapped.getClass() != SERVER_REQUEST) {
            return null;
        }
        Object nativeRequest = ServerHttpRequestDecorator.getNativeRequest(unwrapped);
        return nativeRequest instanceof HttpServerRequest server ? server.requestHeaders() : null;
    }

    private static @Nullable Class<?> serverRequestClass() {
        try {
            return Class.forName("org.springframework.http.server.reactive.ReactorServerHttpRequest");
        } catch (ClassNotFoundException ex) {
            return null;
        }
    }
}
