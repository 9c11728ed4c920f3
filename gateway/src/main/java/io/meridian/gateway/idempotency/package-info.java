/**
 * Idempotency keys across regions: which region owns a tenant's key, shared by every gateway
 * through Redis (or, without it, kept in this gateway's memory), so that a keyed request and its
 * repeats run in one region. The failover package asks it before sending a keyed request; this
 * package knows nothing of attempts or plans.
 */
@NullMarked
package io.meridian.gateway.idempotency;

import org.jspecify.annotations.NullMarked;
