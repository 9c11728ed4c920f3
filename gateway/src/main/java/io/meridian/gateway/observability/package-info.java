/**
 * What the gateway tells its operators about each request: a trace span continued from the
 * client's W3C {@code traceparent} (its attempts at regions as events; each region tried receives
 * its context), and one access-log line when the request ends.
 */
@NullMarked
package io.meridian.gateway.observability;

import org.jspecify.annotations.NullMarked;
