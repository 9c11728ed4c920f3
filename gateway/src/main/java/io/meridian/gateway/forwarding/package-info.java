/**
 * Sending one attempt to a region and relaying its answer, the parts of forwarding that know the
 * wire: the request body as the gateway keeps it ({@link io.meridian.gateway.forwarding.RequestBody}),
 * the headers a region is sent and the client gets back ({@code RegionHeaders}, {@code RequestHeaders}),
 * one pooled client per region endpoint ({@link io.meridian.gateway.forwarding.RegionClient}) and the
 * response relay with its body decorators ({@link io.meridian.gateway.forwarding.ResponseRelay}).
 * Which region to try, and whether to try another, is {@code io.meridian.gateway.failover}'s.
 */
@NullMarked
package io.meridian.gateway.forwarding;

import org.jspecify.annotations.NullMarked;
