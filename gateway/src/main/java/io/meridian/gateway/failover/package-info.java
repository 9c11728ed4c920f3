/**
 * Forwarding with failover: candidate order by health and load, per-region circuit breakers and
 * bulkheads, the retry budget, and the filter that tries regions in turn. The filter builds the
 * {@code AttemptPlan}; the {@code AttemptRunner} runs it, taking each attempt's
 * {@code AttemptPermits} and asking the {@code ResendPolicy} whether a failed attempt may be sent
 * on. Sending and relaying is {@code io.meridian.gateway.forwarding}'s.
 */
@NullMarked
package io.meridian.gateway.failover;

import org.jspecify.annotations.NullMarked;
