/**
 * Tenants: who is calling (API keys, stored as SHA-256 hashes only), and what each may spend
 * (requests and tokens per minute, tokens per day and month, spend at the configured prices per
 * minute, day and month, deployment-wide caps): each request reserves tokens and their priced worst
 * case before it is admitted and settles them to the usage the regions report when it ends,
 * atomically, in memory or in the Redis the gateways share; {@code GET /v1/usage} reads the figures.
 */
@NullMarked
package io.meridian.gateway.tenant;

import org.jspecify.annotations.NullMarked;
