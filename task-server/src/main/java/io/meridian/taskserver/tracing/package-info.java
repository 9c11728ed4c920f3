/**
 * Traces across the queue: a task keeps the W3C context of the request that submitted it, and each
 * of its attempts, on whichever replica, is a span of that trace with the model call under it.
 */
@NullMarked
package io.meridian.taskserver.tracing;

import org.jspecify.annotations.NullMarked;
