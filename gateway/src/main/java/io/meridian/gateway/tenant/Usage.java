package io.meridian.gateway.tenant;

/**
 * A tenant's use of the current windows (UTC minute, day and calendar month) and the whole
 * deployment's tokens, as seen when a request was admitted: tokens spent plus tokens held by
 * requests still in flight. The request itself is included in {@code requestsThisMinute}.
 */
public record Usage(long requestsThisMinute, long tokensThisMinute, long tokensToday, long tokensThisMonth,
        long globalTokensToday, long globalTokensThisMonth) {

    /** The limits in the order {@link Limit} names them, -1 for none. */
    static long[] limits(TenantProperties.Limits limits, TenantProperties.Limits global) {
        return new long[] {orNone(limits.requestsPerMinute()), orNone(limits.tokensPerMinute()), orNone(limits.tokensPerDay()),
                orNone(limits.tokensPerMonth()), orNone(global.tokensPerDay()), orNone(global.tokensPerMonth())};
    }

    /** The name of the first limit a request reserving {@code tokens} would pass, or {@code null}. */
    @org.jspecify.annotations.Nullable String refusal(long[] limits, long tokens) {
        if (limits[0] >= 0 && requestsThisMinute > limits[0]) {
            return Limit.NAMES[0];
        }
        if (tokens <= 0) {
            return null;
        }
        long[] used = {tokensThisMinute, tokensToday, tokensThisMonth, globalTokensToday, globalTokensThisMonth};
        for (int i = 0; i < used.length; i++) {
            long limit = limits[i + 1];
            if (limit >= 0 && (used[i] >= limit || tokens > limit - used[i])) {
                return Limit.NAMES[i + 1];
            }
        }
        return null;
    }

    private static long orNone(@org.jspecify.annotations.Nullable Long limit) {
        return limit == null ? -1 : limit;
    }

    /** The limits' names, as {@code field} of a 429 and the tag of the refusal meter. */
    static final class Limit {
        static final String[] NAMES = {"requests_per_minute", "tokens_per_minute", "tokens_per_day", "tokens_per_month",
                "global_tokens_per_day", "global_tokens_per_month"};

        private Limit() {
        }
    }
}
