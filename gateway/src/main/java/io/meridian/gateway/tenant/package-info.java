/**
 * Tenants: who is calling (API keys, stored as SHA-256 hashes only), and what each may spend
 * (requests and tokens per minute, tokens per day and month, a deployment-wide cap): each request
 * reserves tokens before it is admitted and settles them to the usage the regions report when it
 * ends, atomically, in memory or in the Redis the gateways share.
 */
@NullMarked
package io.meridian.gateway.tenant;

import org.jspecify.annotations.NullMarked;
