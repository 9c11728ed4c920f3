package io.meridian.gateway.tenant;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Counts requests and tokens per tenant and for the whole deployment, in UTC windows, and holds the
 * tokens of requests in flight.
 *
 * <p>Each token window is checked against what was spent in it plus what is held right now, so
 * that requests admitted together can never hold more than a limit allows: {@link #reserve} checks
 * and holds in one atomic step, {@link #settle} gives the hold back and counts the real usage in
 * another. A hold that is never settled is given back after the configured reservation TTL.
 */
public interface UsageLedger {

    /** The deployment-wide counters' name. */
    String GLOBAL = "*global*";

    /**
     * Counts one request of {@code tenant} and, when {@code tokens} fit in what is left of each of
     * its token limits and the deployment's (spent plus held), holds them; answers the usage seen
     * (before this hold) and the limit that refused it, if one did. A request that reserves no
     * tokens is refused only by its requests per minute.
     */
    Mono<Hold> reserve(String tenant, TenantProperties.Limits limits, TenantProperties.Limits global, long tokens);

    /** Gives {@code hold} back and counts {@code tokens} of real usage in the current windows. Never fails a request. */
    void settle(Hold hold, long tokens);

    /**
     * Gives {@code hold} back and charges its tokens as the cost of an accepted task, remembered under
     * {@code key} (a day), so that the first report of the task's real usage ({@link #recordOnce})
     * corrects the charge to it, and later reports count nothing.
     */
    void settleAsTask(Hold hold, String key);

    /** Adds the tokens a finished request of {@code tenant} used, without a hold. Never fails the request. */
    void record(String tenant, long tokens);

    /**
     * Adds tokens that may be reported more than once (a finished task read again): only the first
     * report under {@code key} counts, for a day; when the task was charged at its acceptance
     * ({@link #settleAsTask}), that report corrects the charge to the real usage instead.
     */
    void recordOnce(String tenant, String key, long tokens);

    /**
     * What {@link #reserve} answered.
     *
     * @param id      the hold's unique id
     * @param tenant  whose it is
     * @param tokens  the tokens held; 0 when refused or nothing was reserved
     * @param usage   the usage seen at admission, tokens held by other requests included, this one not
     * @param refused the name of the limit that refused it ({@code tokens_per_day}...), or {@code null}
     * @param local   whether it is held in this gateway's memory (Redis was not reachable)
     */
    record Hold(String id, String tenant, long tokens, Usage usage, @Nullable String refused, boolean local) {

        /** Whether the request was admitted. */
        public boolean admitted() {
            return refused == null;
        }
    }
}
