/**
 * Forwarding with failover: candidate order by health and load, per-region circuit breakers and
 * bulkheads, the retry budget, and the filter that tries regions in turn.
 */
@NullMarked
package io.meridian.gateway.failover;

import org.jspecify.annotations.NullMarked;
