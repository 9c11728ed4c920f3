package io.meridian.gateway.tenant;

import io.meridian.gateway.error.ErrorResponses;
import io.meridian.gateway.ratelimit.RateLimitFilter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Admits a request to {@code /process} and {@code /v1/**} for its tenant, before anything else
 * runs: an unknown, revoked or (with anonymous access off) missing API key gets 401; a tenant over
 * one of its limits, or any tenant while the deployment is over its own cap, gets 429 with
 * {@code Retry-After}, the limit in {@code field} and its reset time in the message. Nothing has
 * reached a model then. An admitted request carries its {@link Tenant} in
 * {@value Tenant#ATTRIBUTE}: the forwarding filter tells the region who it is for and which models
 * it may use, and counts the tokens the region reports.
 *
 * <p>Limits are checked against the usage counted so far, so one request may take a tenant past a
 * token limit (its size is known only afterwards); the next request is refused.
 */
public final class TenantFilter implements GlobalFilter, Ordered {

    /** Before the per-client rate limit: an unauthenticated request costs nothing further. */
    public static final int ORDER = RateLimitFilter.ORDER - 50;

    private final TenantDirectory directory;
    private final UsageLedger ledger;
    private final TenantProperties.Limits global;
    private final Clock clock;

    public TenantFilter(TenantDirectory directory, UsageLedger ledger, TenantProperties.Limits global, Clock clock) {
        this.directory = directory;
        this.ledger = ledger;
        this.global = global;
        this.clock = clock;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        String path = exchange.getRequest().getPath().value();
        if (!path.equals("/process") && !path.startsWith("/v1/")) {
            return chain.filter(exchange);
        }
        TenantDirectory.Identity identity = directory.identify(exchange.getRequest().getHeaders());
        if (!(identity instanceof TenantDirectory.Known known)) {
            return unauthorized(exchange, identity);
        }
        Tenant tenant = known.tenant();
        exchange.getAttributes().put(Tenant.ATTRIBUTE, tenant);
        if (!tenant.limits().any() && !global.any()) {
            return chain.filter(exchange);
        }
        return ledger.admit(tenant.id()).flatMap(usage -> {
            Windows now = Windows.at(clock.instant());
            Breach breach = breach(tenant, usage, now);
            if (breach != null) {
                return refuse(exchange, breach);
            }
            StreamBudget.Allowance allowance = allowance(tenant, usage, now);
            if (allowance != null) {
                exchange.getAttributes().put(StreamBudget.ATTRIBUTE, allowance);
            }
            return chain.filter(exchange);
        });
    }

    /** The first limit the tenant (or the deployment) is over, or {@code null}. */
    @Nullable Breach breach(Tenant tenant, Usage usage, Windows now) {
        TenantProperties.Limits limits = tenant.limits();
        String who = Tenant.ANONYMOUS_ID.equals(tenant.id()) ? "requests without an API key" : "tenant '" + tenant.id() + "'";
        if (over(usage.requestsThisMinute() - 1, limits.requestsPerMinute())) {
            return new Breach("requests_per_minute", who + " sent " + limits.requestsPerMinute() + " requests this minute, its limit",
                    now.minuteEnds());
        }
        if (over(usage.tokensThisMinute(), limits.tokensPerMinute())) {
            return new Breach("tokens_per_minute", who + " used " + usage.tokensThisMinute() + " of its " + limits.tokensPerMinute()
                    + " tokens per minute", now.minuteEnds());
        }
        if (over(usage.tokensToday(), limits.tokensPerDay())) {
            return new Breach("tokens_per_day", who + " used " + usage.tokensToday() + " of its " + limits.tokensPerDay()
                    + " tokens per day", now.dayEnds());
        }
        if (over(usage.tokensThisMonth(), limits.tokensPerMonth())) {
            return new Breach("tokens_per_month", who + " used " + usage.tokensThisMonth() + " of its " + limits.tokensPerMonth()
                    + " tokens per month", now.monthEnds());
        }
        if (over(usage.globalTokensToday(), global.tokensPerDay())) {
            return new Breach("global_tokens_per_day", "the deployment used " + usage.globalTokensToday() + " of its "
                    + global.tokensPerDay() + " tokens per day, a cap that protects every tenant", now.dayEnds());
        }
        if (over(usage.globalTokensThisMonth(), global.tokensPerMonth())) {
            return new Breach("global_tokens_per_month", "the deployment used " + usage.globalTokensThisMonth() + " of its "
                    + global.tokensPerMonth() + " tokens per month, a cap that protects every tenant", now.monthEnds());
        }
        return null;
    }

    /** What the tenant may still spend in tokens, by its tightest limit; {@code null} without token limits. */
    StreamBudget.@Nullable Allowance allowance(Tenant tenant, Usage usage, Windows now) {
        TenantProperties.Limits limits = tenant.limits();
        StreamBudget.Allowance tightest = null;
        tightest = tighter(tightest, limits.tokensPerMinute(), usage.tokensThisMinute(), "tokens_per_minute", now.minuteEnds());
        tightest = tighter(tightest, limits.tokensPerDay(), usage.tokensToday(), "tokens_per_day", now.dayEnds());
        tightest = tighter(tightest, limits.tokensPerMonth(), usage.tokensThisMonth(), "tokens_per_month", now.monthEnds());
        tightest = tighter(tightest, global.tokensPerDay(), usage.globalTokensToday(), "global_tokens_per_day", now.dayEnds());
        return tighter(tightest, global.tokensPerMonth(), usage.globalTokensThisMonth(), "global_tokens_per_month",
                now.monthEnds());
    }

    private static StreamBudget.@Nullable Allowance tighter(StreamBudget.@Nullable Allowance current, @Nullable Long limit,
            long used, String name, Instant resetsAt) {
        if (limit == null) {
            return current;
        }
        long left = Math.max(0, limit - used);
        return current == null || left < current.tokens() ? new StreamBudget.Allowance(left, name, resetsAt) : current;
    }

    private static boolean over(long used, @Nullable Long limit) {
        return limit != null && used >= limit;
    }

    private Mono<Void> refuse(ServerWebExchange exchange, Breach breach) {
        long retryAfter = Math.max(1, Duration.between(clock.instant(), breach.resetsAt()).toSeconds());
        exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
        return ErrorResponses.write(exchange, HttpStatus.TOO_MANY_REQUESTS, "limit_exceeded",
                breach.message() + "; it resets at " + breach.resetsAt(), breach.limit());
    }

    private static Mono<Void> unauthorized(ServerWebExchange exchange, TenantDirectory.Identity identity) {
        exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"meridian\"");
        return switch (identity) {
            case TenantDirectory.Missing missing -> ErrorResponses.write(exchange, HttpStatus.UNAUTHORIZED, "missing_api_key",
                    "an API key is needed: send it as Authorization: Bearer <key> or in " + ApiKeys.HEADER, HttpHeaders.AUTHORIZATION);
            case TenantDirectory.Revoked revoked -> ErrorResponses.write(exchange, HttpStatus.UNAUTHORIZED, "revoked_api_key",
                    "this API key was revoked; ask the owner of tenant '" + revoked.tenantId() + "' for a new one",
                    HttpHeaders.AUTHORIZATION);
            default -> ErrorResponses.write(exchange, HttpStatus.UNAUTHORIZED, "invalid_api_key",
                    "the API key is not valid", HttpHeaders.AUTHORIZATION);
        };
    }

    /** A limit that was reached: its name, what happened, and when the window ends. */
    record Breach(String limit, String message, Instant resetsAt) {
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
