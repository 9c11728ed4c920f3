package io.meridian.taskserver.web;

import io.meridian.protocol.MeridianHeaders;
import java.util.List;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses a request that carries one of {@link MeridianHeaders#SINGLE_VALUED} twice with
 * {@code 400 invalid_header}, naming the header, before any handler reads it.
 *
 * <p>Security note: the admin token, the tenant's scope and the idempotency key are each read as
 * one value. With two {@code Authorization} headers, the admin check read the first while a proxy
 * in front may have judged the request by the last; with two {@code X-Meridian-Tenant}, which one
 * scoped the request was the reader's choice. A header sent once with a comma in it is one value
 * and is judged whole.
 */
public final class SingleValuedHeadersFilter implements WebFilter, Ordered {

    /** After the canonical path, before the protocol check reads its header. */
    public static final int ORDER = CanonicalPathFilter.ORDER + 1;

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        HttpHeaders headers = exchange.getRequest().getHeaders();
        String repeated = MeridianHeaders.repeated(MeridianHeaders.SINGLE_VALUED, name -> {
            List<String> values = headers.get(name);
            return values == null ? 0 : values.size();
        });
        if (repeated != null) {
            return Mono.error(new ApiException(ApiError.INVALID_HEADER, 400, MeridianHeaders.repeatedMessage(repeated),
                    repeated, null));
        }
        return chain.filter(exchange);
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
