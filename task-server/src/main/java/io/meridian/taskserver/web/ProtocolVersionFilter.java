package io.meridian.taskserver.web;

import io.meridian.protocol.MeridianHeaders;
import io.meridian.protocol.ProtocolVersion;
import java.util.Optional;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses requests from a gateway that speaks another major version of the gateway-to-region API.
 *
 * <p>Version drift between nodes was one of the original design's named pitfalls: a gateway and a
 * task server of different releases that disagree on the API must fail loudly, not half-work. The
 * gateway names its version in {@value #HEADER} ({@code <major>.<minor>}) on every request it
 * forwards; a different major version is answered {@code 400 incompatible_protocol}, naming both
 * versions, before any handler runs. Minor versions only add, so any minor of the same major
 * passes. A request without the header (a client calling the region directly) is served: the
 * check is about gateways. The gateway's health checks read the same version from this server's
 * readiness ({@code protocolVersion}) and stop routing to a region they cannot speak to. The form
 * and the compatibility rule are {@link ProtocolVersion}'s, the same on both sides.
 */
public final class ProtocolVersionFilter implements WebFilter, Ordered {

    /** The request header in which the gateway names its protocol version. */
    public static final String HEADER = MeridianHeaders.PROTOCOL;

    /** The version of the gateway-to-region API this server speaks. */
    static final ProtocolVersion VERSION = ProtocolVersion.CURRENT;

    /** After the region header, the canonical path and the repeated-header check, before the body size limit and any handler. */
    public static final int ORDER = SingleValuedHeadersFilter.ORDER + 1;

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String value = exchange.getRequest().getHeaders().getFirst(HEADER);
        if (value == null) {
            return chain.filter(exchange);
        }
        Optional<ProtocolVersion> version = ProtocolVersion.parse(value);
        if (version.isEmpty()) {
            return Mono.error(new ApiException(ApiError.INVALID_HEADER, 400, HEADER + " must be <major>.<minor>, e.g. "
                    + VERSION + ", but was '" + excerpt(value) + "'", HEADER, null));
        }
        if (!VERSION.compatibleWith(version.get())) {
            return Mono.error(new ApiException(ApiError.INCOMPATIBLE_PROTOCOL, 400, "this region speaks protocol "
                    + VERSION + " and cannot serve a gateway that speaks " + excerpt(value)
                    + "; upgrade the older of the two", HEADER, null));
        }
        return chain.filter(exchange);
    }

    private static String excerpt(String value) {
        String printable = value.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() <= 20 ? printable : printable.substring(0, 20) + "…";
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
