package io.meridian.gateway.tenant;

import reactor.core.publisher.Mono;

/** Counts requests and tokens per tenant and for the whole deployment, in UTC windows. */
public interface UsageLedger {

    /** The deployment-wide counters' name. */
    String GLOBAL = "*global*";

    /** Counts one request of {@code tenant} and answers its usage so far, that request included. */
    Mono<Usage> admit(String tenant);

    /** Adds the tokens a finished request of {@code tenant} used. Never fails the request. */
    void record(String tenant, long tokens);

    /**
     * Adds tokens that may be reported more than once (a finished task read again): only the first
     * report under {@code key} counts, for a day.
     */
    void recordOnce(String tenant, String key, long tokens);
}
