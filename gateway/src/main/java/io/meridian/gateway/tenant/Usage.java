package io.meridian.gateway.tenant;

import java.math.BigDecimal;
import org.jspecify.annotations.Nullable;

/**
 * A tenant's use of the current windows (UTC minute, day and calendar month) and the whole
 * deployment's, as seen when a request was admitted: tokens and spend (micro-units) counted plus
 * what requests still in flight hold. The request itself is included in {@code requestsThisMinute}.
 */
public record Usage(long requestsThisMinute, long tokensThisMinute, long tokensToday, long tokensThisMonth,
        long globalTokensToday, long globalTokensThisMonth, long spendThisMinute, long spendToday, long spendThisMonth,
        long globalSpendToday, long globalSpendThisMonth) {

    /** Requests and tokens only, no spend. */
    public Usage(long requestsThisMinute, long tokensThisMinute, long tokensToday, long tokensThisMonth,
            long globalTokensToday, long globalTokensThisMonth) {
        this(requestsThisMinute, tokensThisMinute, tokensToday, tokensThisMonth, globalTokensToday, globalTokensThisMonth,
                0, 0, 0, 0, 0);
    }

    /** The limits in the order {@link Limit} names them, -1 for none; spend caps in micro-units. */
    static long[] limits(TenantProperties.Limits limits, TenantProperties.Limits global) {
        return new long[] {orNone(limits.requestsPerMinute()), orNone(limits.tokensPerMinute()), orNone(limits.tokensPerDay()),
                orNone(limits.tokensPerMonth()), orNone(global.tokensPerDay()), orNone(global.tokensPerMonth()),
                micros(limits.spendPerMinute()), micros(limits.spendPerDay()), micros(limits.spendPerMonth()),
                micros(global.spendPerDay()), micros(global.spendPerMonth())};
    }

    /**
     * The name of the first limit a request reserving {@code tokens} and {@code spend} would pass,
     * or {@code null}. A request that reserves nothing of one is not refused by that one's limits.
     */
    @Nullable String refusal(long[] limits, long tokens, long spend) {
        if (limits[0] >= 0 && requestsThisMinute > limits[0]) {
            return Limit.NAMES[0];
        }
        long[] used = {tokensThisMinute, tokensToday, tokensThisMonth, globalTokensToday, globalTokensThisMonth,
                spendThisMinute, spendToday, spendThisMonth, globalSpendToday, globalSpendThisMonth};
        for (int i = 0; i < used.length; i++) {
            long asked = i < 5 ? tokens : spend;
            long limit = limits[i + 1];
            if (asked > 0 && limit >= 0 && (used[i] >= limit || asked > limit - used[i])) {
                return Limit.NAMES[i + 1];
            }
        }
        return null;
    }

    private static long orNone(@Nullable Long limit) {
        return limit == null ? -1 : limit;
    }

    private static long micros(@Nullable BigDecimal cap) {
        return cap == null ? -1 : Pricing.micros(cap, "spend cap");
    }

    /** The limits' names, as {@code field} of a 429 and the tag of the refusal meter. */
    static final class Limit {
        static final String[] NAMES = {"requests_per_minute", "tokens_per_minute", "tokens_per_day", "tokens_per_month",
                "global_tokens_per_day", "global_tokens_per_month", "spend_per_minute", "spend_per_day", "spend_per_month",
                "global_spend_per_day", "global_spend_per_month"};

        private Limit() {
        }
    }
}
