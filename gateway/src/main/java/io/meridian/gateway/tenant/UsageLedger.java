package io.meridian.gateway.tenant;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Counts requests, tokens and spend (micro-units, {@link Price}) per tenant, per API key and for
 * the whole deployment, in UTC windows, and holds the tokens and spend of requests in flight.
 *
 * <p>Each token and spend window is checked against what was counted in it plus what is held right
 * now, so that requests admitted together can never hold more than a limit allows: {@link #reserve}
 * checks and holds in one atomic step, {@link #settle} gives the hold back and counts the real
 * usage in another. A hold that is never settled is given back after the configured reservation TTL.
 * Limits are per tenant and for the deployment; a key's figures are counted, not capped.
 */
public interface UsageLedger {

    /** The deployment-wide counters' name. */
    String GLOBAL = "*global*";

    /**
     * Counts one request of {@code tenant} (by the key {@code key}, a {@link ApiKeys#id}, or
     * {@code null} without one) and, when {@code tokens} and {@code spend} fit in what is left of
     * each of its limits and the deployment's (counted plus held), holds them; answers the usage seen
     * (before this hold) and the limit that refused it, if one did. A request that reserves no
     * tokens and no spend is refused only by its requests per minute.
     */
    Mono<Hold> reserve(String tenant, @Nullable String key, TenantProperties.Limits limits, TenantProperties.Limits global,
            long tokens, long spend);

    /** {@link #reserve} without a key and without spend. */
    default Mono<Hold> reserve(String tenant, TenantProperties.Limits limits, TenantProperties.Limits global, long tokens) {
        return reserve(tenant, null, limits, global, tokens, 0);
    }

    /**
     * Gives {@code hold} back and counts {@code tokens} and {@code spend} of real usage in the
     * current windows, the tenant's, its key's and the deployment's. Never fails a request.
     */
    void settle(Hold hold, long tokens, long spend);

    /** {@link #settle} without spend. */
    default void settle(Hold hold, long tokens) {
        settle(hold, tokens, 0);
    }

    /**
     * Gives {@code hold} back and charges its tokens and spend as the cost of an accepted task,
     * remembered under {@code key} (a day) with the {@code price} its usage is to be charged at, so
     * that the first report of the task's real usage ({@link #recordOnce}) corrects the charge to
     * it, and later reports count nothing.
     */
    void settleAsTask(Hold hold, String key, Price price);

    /** {@link #settleAsTask} of a free model. */
    default void settleAsTask(Hold hold, String key) {
        settleAsTask(hold, key, Price.FREE);
    }

    /** Adds the tokens a finished request of {@code tenant} used, without a hold. Never fails the request. */
    void record(String tenant, long tokens);

    /**
     * Adds usage that may be reported more than once (a finished task read again): only the first
     * report under {@code key} counts, for a day, spending at {@code price}; when the task was
     * charged at its acceptance ({@link #settleAsTask}), that report corrects the charge to the real
     * usage instead, at the price the charge remembered. A correction counts in the tenant's and the
     * deployment's figures; the key's keep the charge.
     */
    void recordOnce(String tenant, String key, long prompt, long completion, Price price);

    /** {@link #recordOnce} of tokens of a free model. */
    default void recordOnce(String tenant, String key, long tokens) {
        recordOnce(tenant, key, 0, tokens, Price.FREE);
    }

    /**
     * What {@code account} counted in the current windows (not what is held): a tenant's id,
     * {@link #GLOBAL}, or {@link #keyAccount}. Nothing counted yet: zeros. Never fails.
     */
    Mono<Figures> figures(String account);

    /** The account of the key {@code key} of {@code tenant}, for {@link #figures}. */
    static String keyAccount(String tenant, String key) {
        return tenant + ":key:" + key;
    }

    /**
     * Tokens and spend (micro-units) counted in the current UTC minute, day and month.
     *
     * @param shared whether they were read from the Redis the gateways share (else: this gateway's memory)
     */
    record Figures(long tokensThisMinute, long tokensToday, long tokensThisMonth, long spendThisMinute, long spendToday,
            long spendThisMonth, boolean shared) {
    }

    /**
     * What {@link #reserve} answered.
     *
     * @param id      the hold's unique id
     * @param tenant  whose it is
     * @param key     the id of the API key it was made with, or {@code null}
     * @param tokens  the tokens held; 0 when refused or nothing was reserved
     * @param spend   the spend held (micro-units); 0 when refused
     * @param usage   the usage seen at admission, what other requests hold included, this one not
     * @param refused the name of the limit that refused it ({@code tokens_per_day}...), or {@code null}
     * @param local   whether it is held in this gateway's memory (Redis was not reachable)
     */
    record Hold(String id, String tenant, @Nullable String key, long tokens, long spend, Usage usage,
            @Nullable String refused, boolean local) {

        /** Whether the request was admitted. */
        public boolean admitted() {
            return refused == null;
        }
    }
}
