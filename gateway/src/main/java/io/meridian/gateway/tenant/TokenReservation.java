package io.meridian.gateway.tenant;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The tokens an admitted request holds from its tenant's budgets, settled exactly once whichever way
 * the request ends: to the usage the region reports; as an accepted task's charge; or, without a
 * report, to nothing when the request never reached a region, and to the whole reservation when it
 * did (the model may have run: the tenant pays the estimate rather than the deployment).
 */
public final class TokenReservation {

    /** Exchange attribute: the {@link TokenReservation} of an admitted request whose tenant has limits. */
    public static final String ATTRIBUTE = TokenReservation.class.getName();

    private final UsageLedger ledger;
    private final UsageLedger.Hold hold;
    private final TenantMetrics metrics;
    private final AtomicBoolean settled = new AtomicBoolean();
    private volatile boolean sent;

    TokenReservation(UsageLedger ledger, UsageLedger.Hold hold, TenantMetrics metrics) {
        this.ledger = ledger;
        this.hold = hold;
        this.metrics = metrics;
        metrics.held(hold.tokens());
    }

    /** The tokens held. */
    public long tokens() {
        return hold.tokens();
    }

    /** The tenant's id. */
    public String tenant() {
        return hold.tenant();
    }

    /** Notes that the request was sent to a region: from now on the model may spend tokens on it. */
    public void sent() {
        sent = true;
    }

    /** Settles to the {@code tokens} the region reported; {@code false} when it was already settled. */
    public boolean settle(long tokens) {
        if (!settled.compareAndSet(false, true)) {
            return false;
        }
        metrics.held(-hold.tokens());
        ledger.settle(hold, tokens);
        return true;
    }

    /** Settles as the charge of the accepted task {@code key} ({@link UsageLedger#settleAsTask}). */
    public boolean settleAsTask(String key) {
        if (!settled.compareAndSet(false, true)) {
            return false;
        }
        metrics.held(-hold.tokens());
        ledger.settleAsTask(hold, key);
        return true;
    }

    /** Settles a request that ended without a report, if nothing settled it before. */
    void finish() {
        settle(sent ? hold.tokens() : 0);
    }
}
