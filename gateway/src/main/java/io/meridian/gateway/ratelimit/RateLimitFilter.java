package io.meridian.gateway.ratelimit;

import io.meridian.gateway.routing.ApiPaths;
import io.meridian.gateway.client.ClientIpResolver;
import io.meridian.gateway.error.ErrorResponses;
import io.meridian.gateway.tenant.ApiKeys;
import io.meridian.gateway.tenant.Tenant;
import io.meridian.gateway.tenant.TenantFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Applies the per-client token buckets to the routed paths ({@link ApiPaths}), before any region is
 * chosen, and says where the client stands in the {@code RateLimit-Policy} and {@code RateLimit}
 * headers (IETF draft-ietf-httpapi-ratelimit-headers). A refused request gets 429 with
 * {@code Retry-After} and a JSON error.
 *
 * <p>Security note: the client is its API key when that key authenticated a tenant (the tenant
 * filter ran first and vouched for it), hashed (SHA-256) before it is used as a bucket name, so keys never reach Redis or logs in clear; otherwise its address as resolved
 * through the trusted proxies, so a client cannot escape its bucket by writing X-Forwarded-For, and
 * widened to its network ({@code /64} for IPv6 by default, see {@link ClientAddressBucket}), so a
 * client cannot escape it by changing addresses inside the space it was given. A key nobody checked
 * (no tenants configured, or a request served as the anonymous tenant) is never a bucket of its
 * own: a client writing a new one on every request would otherwise get a fresh bucket each time.
 */
public final class RateLimitFilter implements GlobalFilter, Ordered {

    /**
     * Early, so a refused request costs no GeoIP lookup and no region capacity, and after the
     * tenant filter, which vouches for the API key a client's bucket is named after. The rate
     * limit depends on tenants, never the other way round.
     */
    public static final int ORDER = TenantFilter.ORDER + 50;

    private final RateLimiter limiter;
    private final ClientIpResolver clientIpResolver;
    private final String policy;
    private final ClientAddressBucket addressBucket;

    /**
     * @param ipv4PrefixLength network bits that name an IPv4 client (32: each address is a client)
     * @param ipv6PrefixLength network bits that name an IPv6 client (64: each /64 is a client)
     */
    public RateLimitFilter(RateLimiter limiter, ClientIpResolver clientIpResolver, double requestsPerSecond, int burst,
                           int ipv4PrefixLength, int ipv6PrefixLength) {
        this.limiter = limiter;
        this.clientIpResolver = clientIpResolver;
        this.addressBucket = new ClientAddressBucket(ipv4PrefixLength, ipv6PrefixLength);
        long window = Math.max(1, Math.round(burst / requestsPerSecond));
        this.policy = "\"client\";q=" + burst + ";w=" + window;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        String path = request.getPath().value();
        if (!ApiPaths.isRouted(path)) {
            return chain.filter(exchange);
        }
        String client = identity(exchange);
        RateLimitDecision now = limiter.acquireNow(client);
        if (now != null) {
            return decided(exchange, chain, now);
        }
        return limiter.acquire(client).flatMap(decision -> decided(exchange, chain, decision));
    }

    private Mono<Void> decided(ServerWebExchange exchange, GatewayFilterChain chain, RateLimitDecision decision) {
        HttpHeaders headers = exchange.getResponse().getHeaders();
        headers.set("RateLimit-Policy", policy);
        headers.set("RateLimit", "\"client\";r=" + decision.remaining() + ";t=" + decision.resetSeconds());
        if (decision.allowed()) {
            return chain.filter(exchange);
        }
        headers.set(HttpHeaders.RETRY_AFTER, Long.toString(decision.retryAfterSeconds()));
        return ErrorResponses.write(exchange, HttpStatus.TOO_MANY_REQUESTS, "rate_limited",
                "too many requests from this client; retry in " + decision.retryAfterSeconds() + " s", null);
    }

    String identity(ServerWebExchange exchange) {
        Tenant tenant = exchange.getAttribute(Tenant.ATTRIBUTE);
        String key = tenant != null && !Tenant.ANONYMOUS_ID.equals(tenant.id())
                ? ApiKeys.of(exchange.getRequest().getHeaders()) : null;
        if (key != null) {
            return "key:" + ApiKeys.sha256(key).substring(0, 32);
        }
        return addressBucket.of(clientIpResolver.resolve(exchange).address());
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
