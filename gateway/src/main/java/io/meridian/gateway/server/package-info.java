/**
 * The gateway's listeners as a public entry point: how long a connection may stay idle or take to
 * send a request, how many connections a client may hold, strict HTTP/1.1 parsing and the HTTP/2
 * PING limit, applied alike to every listener the gateway opens.
 */
@NullMarked
package io.meridian.gateway.server;

import org.jspecify.annotations.NullMarked;
