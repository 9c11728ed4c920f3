/** Choosing the region that serves a request and forwarding it there. */
@NullMarked
package io.meridian.gateway.routing;

import org.jspecify.annotations.NullMarked;
