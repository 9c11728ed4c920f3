/**
 * Per-client rate limits: token buckets kept in this gateway's memory, or in Redis so that the limit
 * holds across every gateway replica.
 */
@NullMarked
package io.meridian.gateway.ratelimit;

import org.jspecify.annotations.NullMarked;
