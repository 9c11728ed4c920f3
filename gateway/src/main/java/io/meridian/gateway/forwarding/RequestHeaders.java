package io.meridian.gateway.forwarding;

import io.meridian.gateway.tenant.SpendCeiling;
import io.meridian.gateway.tenant.Tenant;
import io.meridian.gateway.tenant.TokenReservation;
import io.meridian.protocol.MeridianHeaders;
import io.meridian.protocol.ProtocolVersion;
import io.meridian.protocol.TenantId;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * The headers a region receives: the client's that may cross ({@link RegionHeaders}), then the
 * gateway's own, which replace any the client wrote under those names: the protocol version, the
 * tenant, its allowed models and token cap, and the scaling hold while the deployment's spend rate
 * is near its ceiling ({@link SpendCeiling}). Reactor Netty sets Host from the region's URL.
 *
 * <p>The client's address and country are not sent: no task server reads them, and the address is
 * personal data that a region has no use for (least of all one in another residency zone, after a
 * failover). RegionHeaders still drops a client's own copies.
 */
final class RequestHeaders {

    /** The gateway's {@link ProtocolVersion}, as sent on every request. */
    private static final String PROTOCOL_VERSION = ProtocolVersion.CURRENT.toString();

    private RequestHeaders() {
    }

    static void write(RegionRequest request, HttpHeaders headers) {
        ServerWebExchange exchange = request.exchange();
        RegionHeaders.copyRequest(exchange.getRequest(), headers);
        headers.set(MeridianHeaders.PROTOCOL, PROTOCOL_VERSION);
        // Always set, after RegionHeaders dropped the client's copy: the region scopes tasks
        // by it, and a request the tenant filter did not see (no tenants configured) is the
        // anonymous tenant's.
        Tenant tenant = exchange.getAttribute(Tenant.ATTRIBUTE);
        headers.set(MeridianHeaders.TENANT, tenant != null ? tenant.id() : TenantId.ANONYMOUS);
        if (tenant != null && !tenant.models().isEmpty()) {
            headers.set(MeridianHeaders.ALLOWED_MODELS, String.join(",", tenant.models()));
        }
        TokenReservation reservation = exchange.getAttribute(TokenReservation.ATTRIBUTE);
        if (reservation != null && reservation.answerTokens() > 0) {
            headers.set(MeridianHeaders.MAX_TOKENS, Math.min(reservation.answerTokens(), Integer.MAX_VALUE));
        }
        if (exchange.getAttribute(SpendCeiling.HOLD_ATTRIBUTE) != null) {
            headers.set(MeridianHeaders.SCALING, MeridianHeaders.SCALING_HOLD);
        }
        if (request.contentLength >= 0) {
            headers.set(HttpHeaderNames.CONTENT_LENGTH, request.contentLength);
        }
    }
}
