package io.meridian.gateway.tenant;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The tokens an admitted request holds from its tenant's budgets, settled exactly once whichever way
 * the request ends: to the usage the region reports; as an accepted task's charge; or, without a
 * report, to nothing when the request never reached a region, and to the whole reservation when it
 * did (the model may have run: the tenant pays the estimate rather than the deployment).
 *
 * <p>Design note: asynchronous tasks. A task accepted with {@code 202} runs after its request has
 * ended, so its reservation becomes its charge at acceptance ({@link UsageLedger#settleAsTask}),
 * and the first read of its result corrects that charge to the real usage, once, across gateways.
 * The alternative, the gateway following each accepted task to its end (its event stream or a
 * poll), would charge the exact usage without a read, but costs a connection or a timer per task
 * in flight and loses the task when the gateway restarts. Charging at acceptance is bounded (no
 * state but a key per task for a day) and keeps the budget's bound: the task holds what it
 * reserved from the moment it is accepted. Its cost: a task never read stays charged its
 * reservation rather than its usage, and one that used more than it reserved is charged the
 * difference only when it is read.
 *
 * <p>A hold made while the client went away before this object existed (between the ledger's
 * answer and the filter chain) is given back by the ledger after the reservation TTL.
 */
public final class TokenReservation {

    /** Exchange attribute: the {@link TokenReservation} of an admitted request whose tenant has limits. */
    public static final String ATTRIBUTE = TokenReservation.class.getName();

    private final UsageLedger ledger;
    private final UsageLedger.Hold hold;
    private final TenantMetrics metrics;
    private final Price price;
    private final String model;
    private final AtomicBoolean settled = new AtomicBoolean();
    private volatile boolean sent;

    private final long answer;

    /**
     * @param price  what the answer's tokens cost ({@link Pricing#atSettlement})
     * @param model  the {@code model} tag of its spend ({@link Pricing#tag})
     * @param answer the part of the hold the answer may use (the rest is the prompt's bound)
     */
    TokenReservation(UsageLedger ledger, UsageLedger.Hold hold, TenantMetrics metrics, Price price, String model,
            long answer) {
        this.ledger = ledger;
        this.answer = answer;
        this.hold = hold;
        this.metrics = metrics;
        this.price = price;
        this.model = model;
        metrics.held(hold.tokens());
    }

    TokenReservation(UsageLedger ledger, UsageLedger.Hold hold, TenantMetrics metrics) {
        this(ledger, hold, metrics, Price.FREE, Pricing.UNLISTED, hold.tokens());
    }

    /** The tokens held: the prompt's bound and the answer's. */
    public long tokens() {
        return hold.tokens();
    }

    /** The most tokens the answer may use, what the region is told ({@code X-Meridian-Max-Tokens}). */
    public long answerTokens() {
        return Math.min(answer, hold.tokens());
    }

    /** What the answer's tokens cost. */
    Price price() {
        return price;
    }

    /** The tenant's id. */
    public String tenant() {
        return hold.tenant();
    }

    /** Notes that the request was sent to a region: from now on the model may spend tokens on it. */
    public void sent() {
        sent = true;
    }

    /** Settles to {@code tokens} the region reported without saying which were prompt; {@code false} when it was already settled. */
    public boolean settle(long tokens) {
        return settle(0, tokens);
    }

    /**
     * Settles to the usage the region reported, priced at the request's model;
     * {@code false} when it was already settled.
     */
    public boolean settle(long prompt, long completion) {
        return settleTo(Math.max(0, prompt) + Math.max(0, completion), price.of(prompt, completion));
    }

    private boolean settleTo(long tokens, long spend) {
        if (!settled.compareAndSet(false, true)) {
            return false;
        }
        metrics.held(-hold.tokens());
        ledger.settle(hold, tokens, spend);
        metrics.spent(hold.tenant(), model, spend);
        return true;
    }

    /** Settles as the charge of the accepted task {@code key} ({@link UsageLedger#settleAsTask}). */
    public boolean settleAsTask(String key) {
        if (!settled.compareAndSet(false, true)) {
            return false;
        }
        metrics.held(-hold.tokens());
        ledger.settleAsTask(hold, key, price);
        metrics.spent(hold.tenant(), model, hold.spend());
        return true;
    }

    /**
     * Settles a request that ended without a report, if nothing settled it before: to nothing when
     * it never reached a region, else to its whole reservation, tokens and spend.
     */
    void finish() {
        if (sent) {
            settleTo(hold.tokens(), hold.spend());
        } else {
            settleTo(0, 0);
        }
    }
}
