/**
 * Per-client rate limits: token buckets kept in this gateway's memory, or in Redis so that the limit
 * holds across every gateway replica. It reads the tenant a request was authenticated as (a key a
 * tenant vouched for names its own bucket) and runs after the tenant filter; the tenant package
 * knows nothing of it.
 */
@NullMarked
package io.meridian.gateway.ratelimit;

import org.jspecify.annotations.NullMarked;
