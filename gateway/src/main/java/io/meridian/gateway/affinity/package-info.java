/**
 * Choosing a replica inside a region: consistent hashing with bounded load for requests that carry
 * a session key, the power of two choices on outstanding requests for the rest.
 */
@NullMarked
package io.meridian.gateway.affinity;

import org.jspecify.annotations.NullMarked;
