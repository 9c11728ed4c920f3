/** How the gateway decides who the client is: the socket peer, or a trusted proxy's forwarding header. */
@NullMarked
package io.meridian.gateway.client;

import org.jspecify.annotations.NullMarked;
