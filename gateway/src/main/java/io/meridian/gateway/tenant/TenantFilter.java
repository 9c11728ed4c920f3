package io.meridian.gateway.tenant;

import io.meridian.gateway.routing.ApiPaths;
import io.meridian.gateway.error.ErrorResponses;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import reactor.core.publisher.Flux;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Admits a request to the routed paths ({@link ApiPaths}) for its tenant, before anything else
 * runs: an unknown, revoked or (with anonymous access off) missing API key gets 401; a tenant over
 * one of its limits, or any tenant while the deployment is over its own cap, gets 429 with
 * {@code Retry-After}, the limit in {@code field} and its reset time in the message. Nothing has
 * reached a model then. An admitted request carries its {@link Tenant} in
 * {@value Tenant#ATTRIBUTE}: the forwarding filter tells the region who it is for and which models
 * it may use, and settles the tokens the region reports.
 *
 * <p>Design note: reserve, then settle. A request that can run a model ({@code POST}) reserves
 * tokens before it is admitted: its {@code max_completion_tokens} or {@code max_tokens}, else
 * {@code meridian.auth.reservation.models[<model>]} (by {@code model}, or {@code kind} for the task
 * API), else {@code meridian.auth.reservation.default-tokens}. The ledger checks and holds them in
 * one atomic step against every token window (spent plus held by requests in flight), and refuses
 * the request when they do not fit what is left; reads ({@code GET}, {@code DELETE}) reserve nothing
 * and only count against requests per minute. When the request ends, its reservation is settled
 * once to the real usage ({@link TokenReservation}). So with any number of concurrent requests the
 * tokens served stay within a limit exactly as long as each request uses no more than it reserved;
 * a request that uses more is charged what it used, so a limit can be passed by at most the sum of
 * those overruns of requests in flight together, and then every request is refused until the window
 * resets. The body is read for these fields only when it declares a length up to
 * {@code max-inspected-body}; an out-of-range value is refused with 400 naming the field.
 *
 * <p>Spend rides on the same reservation ({@link Pricing}): the tokens reserved, priced at their
 * worst case, are held against the spend caps in the same atomic step, and settle to the reported
 * usage at the requested model's price, so a spend cap is bound as a token limit is. With prices
 * configured every request is reserved and settled, limits or not, so that its spend is counted.
 */
public final class TenantFilter implements GlobalFilter, Ordered {

    /**
     * Early, and before the per-client rate limit (which places itself after this order): an
     * unauthenticated request costs nothing further.
     */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 50;

    private final TenantDirectory directory;
    private final UsageLedger ledger;
    private final TenantProperties.Limits global;
    private final Clock clock;
    private final TenantProperties.Reservation reservation;
    private final TenantMetrics metrics;
    private final Pricing pricing;
    private final SpendCeiling ceiling;

    TenantFilter(TenantDirectory directory, UsageLedger ledger, TenantProperties.Limits global, Clock clock,
            TenantProperties.Reservation reservation, TenantMetrics metrics) {
        this(directory, ledger, global, clock, reservation, metrics, Pricing.none());
    }

    TenantFilter(TenantDirectory directory, UsageLedger ledger, TenantProperties.Limits global, Clock clock,
            TenantProperties.Reservation reservation, TenantMetrics metrics, Pricing pricing) {
        this(directory, ledger, global, clock, reservation, metrics, pricing, SpendCeiling.OFF);
    }

    TenantFilter(TenantDirectory directory, UsageLedger ledger, TenantProperties.Limits global, Clock clock,
            TenantProperties.Reservation reservation, TenantMetrics metrics, Pricing pricing, SpendCeiling ceiling) {
        this.ceiling = ceiling;
        this.pricing = pricing;
        this.reservation = reservation;
        this.metrics = metrics;
        this.directory = directory;
        this.ledger = ledger;
        this.global = global;
        this.clock = clock;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        String path = exchange.getRequest().getPath().value();
        if (!ApiPaths.isRouted(path)) {
            return chain.filter(exchange);
        }
        TenantDirectory.Identity identity = directory.identify(exchange.getRequest().getHeaders());
        if (identity instanceof TenantDirectory.Ambiguous ambiguous) {
            return ErrorResponses.write(exchange, HttpStatus.BAD_REQUEST, "invalid_header", "send one API key, in "
                    + "Authorization: Bearer <key> or in " + ApiKeys.HEADER + ", but the request carried "
                    + ambiguous.count() + " credential headers", HttpHeaders.AUTHORIZATION);
        }
        if (!(identity instanceof TenantDirectory.Known known)) {
            return unauthorized(exchange, identity);
        }
        Tenant tenant = known.tenant();
        String key = known.key();
        exchange.getAttributes().put(Tenant.ATTRIBUTE, tenant);
        if (ceiling.holding()) {
            if (ceiling.refuses(tenant)) {
                metrics.refused(tenant.id(), SpendCeiling.FIELD);
                exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER,
                        Long.toString(Math.max(1, ceiling.retryAfter().toSeconds())));
                return ErrorResponses.write(exchange, HttpStatus.TOO_MANY_REQUESTS, "limit_exceeded",
                        ceiling.refusal(tenant, pricing.currency()), SpendCeiling.FIELD);
            }
            exchange.getAttributes().put(SpendCeiling.HOLD_ATTRIBUTE, Boolean.TRUE);
        }
        if (!tenant.limits().any() && !global.any() && !pricing.priced()) {
            return chain.filter(exchange);
        }
        if (exchange.getRequest().getMethod() != HttpMethod.POST) {
            return admit(exchange, chain, tenant, key, new ReservationSize.Sized(0, 0, null));
        }
        long length = exchange.getRequest().getHeaders().getContentLength();
        if (length <= 0 || length > reservation.maxInspectedBody().toBytes()) {
            return admit(exchange, chain, tenant, key, new ReservationSize.Sized(reservation.defaultTokens(), reservation.defaultTokens(), null));
        }
        return DataBufferUtils.join(exchange.getRequest().getBody())
                .map(joined -> {
                    byte[] bytes = new byte[joined.readableByteCount()];
                    joined.read(bytes);
                    DataBufferUtils.release(joined);
                    return bytes;
                })
                .defaultIfEmpty(new byte[0])
                .flatMap(bytes -> {
                    ServerWebExchange replayed = exchange.mutate().request(new ReplayedBody(exchange.getRequest(), bytes)).build();
                    ReservationSize.Sized sized;
                    try {
                        sized = ReservationSize.sized(bytes, reservation);
                    } catch (ReservationSize.InvalidField invalid) {
                        return ErrorResponses.write(replayed, HttpStatus.BAD_REQUEST, "invalid_request", invalid.getMessage(),
                                invalid.field());
                    }
                    return admit(replayed, chain, tenant, key, sized);
                });
    }

    private Mono<Void> admit(ServerWebExchange exchange, GatewayFilterChain chain, Tenant tenant, @Nullable String key,
            ReservationSize.Sized sized) {
        long tokens = sized.tokens();
        long spend = pricing.atAdmission(sized.model()).worstCase(tokens);
        return ledger.reserve(tenant.id(), key, tenant.limits(), global, tokens, spend).flatMap(hold -> {
            Windows now = Windows.at(clock.instant());
            if (!hold.admitted()) {
                metrics.refused(tenant.id(), Objects.requireNonNull(hold.refused()));
                return refuse(exchange, breach(tenant, hold, tokens, spend, now));
            }
            metrics.reserved(tenant.id(), hold.tokens());
            TokenReservation held = new TokenReservation(ledger, hold, metrics, pricing.atSettlement(sized.model()),
                    pricing.tag(sized.model()), sized.answer());
            exchange.getAttributes().put(TokenReservation.ATTRIBUTE, held);
            StreamBudget.Allowance allowance = allowance(tenant, hold.usage(), now);
            if (allowance != null) {
                exchange.getAttributes().put(StreamBudget.ATTRIBUTE,
                        new StreamBudget.Allowance(hold.tokens(), allowance.limit(), allowance.resetsAt()));
            }
            return chain.filter(exchange).doFinally(signal -> held.finish());
        });
    }

    /** Why {@code hold} was refused: its limit, what happened, and when the window ends. */
    Breach breach(Tenant tenant, UsageLedger.Hold hold, long tokens, Windows now) {
        return breach(tenant, hold, tokens, 0, now);
    }

    Breach breach(Tenant tenant, UsageLedger.Hold hold, long tokens, long spend, Windows now) {
        TenantProperties.Limits limits = tenant.limits();
        Usage usage = hold.usage();
        String who = Tenant.ANONYMOUS_ID.equals(tenant.id()) ? "requests without an API key" : "tenant '" + tenant.id() + "'";
        String asks = ", and this request reserves " + tokens;
        String currency = " " + pricing.currency();
        String costs = ", and this request reserves " + tokens + " tokens, at most " + Pricing.amount(spend).toPlainString()
                + currency;
        String limit = Objects.requireNonNull(hold.refused());
        return switch (limit) {
            case "spend_per_minute" -> new Breach(limit, who + " spent or holds " + money(usage.spendThisMinute()) + " of its "
                    + limits.spendPerMinute() + currency + " per minute" + costs, now.minuteEnds());
            case "spend_per_day" -> new Breach(limit, who + " spent or holds " + money(usage.spendToday()) + " of its "
                    + limits.spendPerDay() + currency + " per day" + costs, now.dayEnds());
            case "spend_per_month" -> new Breach(limit, who + " spent or holds " + money(usage.spendThisMonth()) + " of its "
                    + limits.spendPerMonth() + currency + " per month" + costs, now.monthEnds());
            case "global_spend_per_day" -> new Breach(limit, "the deployment spent or holds " + money(usage.globalSpendToday())
                    + " of its " + global.spendPerDay() + currency + " per day, a cap that protects every tenant" + costs,
                    now.dayEnds());
            case "global_spend_per_month" -> new Breach(limit, "the deployment spent or holds "
                    + money(usage.globalSpendThisMonth()) + " of its " + global.spendPerMonth() + currency
                    + " per month, a cap that protects every tenant" + costs, now.monthEnds());
            case "requests_per_minute" -> new Breach(limit, who + " sent " + limits.requestsPerMinute()
                    + " requests this minute, its limit", now.minuteEnds());
            case "tokens_per_minute" -> new Breach(limit, who + " used or holds " + usage.tokensThisMinute() + " of its "
                    + limits.tokensPerMinute() + " tokens per minute" + asks, now.minuteEnds());
            case "tokens_per_day" -> new Breach(limit, who + " used or holds " + usage.tokensToday() + " of its "
                    + limits.tokensPerDay() + " tokens per day" + asks, now.dayEnds());
            case "tokens_per_month" -> new Breach(limit, who + " used or holds " + usage.tokensThisMonth() + " of its "
                    + limits.tokensPerMonth() + " tokens per month" + asks, now.monthEnds());
            case "global_tokens_per_day" -> new Breach(limit, "the deployment used or holds " + usage.globalTokensToday()
                    + " of its " + global.tokensPerDay() + " tokens per day, a cap that protects every tenant" + asks,
                    now.dayEnds());
            default -> new Breach(limit, "the deployment used or holds " + usage.globalTokensThisMonth() + " of its "
                    + global.tokensPerMonth() + " tokens per month, a cap that protects every tenant" + asks, now.monthEnds());
        };
    }

    private static String money(long micros) {
        return Pricing.amount(micros).toPlainString();
    }

    /** The tightest token limit left to the tenant; {@code null} without token limits. */
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

    /** The request with the body that was read to size its reservation, to be read again. */
    private static final class ReplayedBody extends ServerHttpRequestDecorator {

        private final byte[] body;

        ReplayedBody(ServerHttpRequest delegate, byte[] body) {
            super(delegate);
            this.body = body;
        }

        @Override
        public Flux<DataBuffer> getBody() {
            return Flux.defer(() -> Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(body)));
        }
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
