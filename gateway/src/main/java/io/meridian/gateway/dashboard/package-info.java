/**
 * The global dashboard: one page at {@code /dashboard} and the JSON and server-sent-event endpoints
 * behind it, fed by an aggregator that polls every region's queues and combines them with the
 * gateway's own view of each region (health, circuit, traffic, latency, fail-overs).
 */
@NullMarked
package io.meridian.gateway.dashboard;

import org.jspecify.annotations.NullMarked;
