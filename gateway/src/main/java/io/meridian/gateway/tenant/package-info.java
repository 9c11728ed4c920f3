/**
 * Tenants: who is calling (API keys, stored as SHA-256 hashes only), and what each may spend
 * (requests and tokens per minute, tokens per day and month, a deployment-wide cap), counted from
 * the token usage the regions report and shared across gateways through Redis when configured.
 */
@NullMarked
package io.meridian.gateway.tenant;

import org.jspecify.annotations.NullMarked;
