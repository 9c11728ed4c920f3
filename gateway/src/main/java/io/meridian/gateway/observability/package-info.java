/**
 * What the gateway tells its operators about each request: a trace span continued from the
 * client's W3C {@code traceparent} (one child span per attempt at a region, whose context the
 * region receives), and one access-log line when the request ends.
 */
@NullMarked
package io.meridian.gateway.observability;

import org.jspecify.annotations.NullMarked;
