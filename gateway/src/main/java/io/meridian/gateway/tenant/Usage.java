package io.meridian.gateway.tenant;

/**
 * A tenant's use of the current windows (UTC minute, day and calendar month) and the whole
 * deployment's tokens, as counted when a request was admitted; the request itself is included in
 * {@code requestsThisMinute}.
 */
public record Usage(long requestsThisMinute, long tokensThisMinute, long tokensToday, long tokensThisMonth,
        long globalTokensToday, long globalTokensThisMonth) {
}
