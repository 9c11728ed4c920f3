/**
 * Transport security: HTTPS towards clients (HSTS, an optional plain-HTTP listener that redirects)
 * and mutual TLS towards the regions (the gateway's client certificate from an SSL bundle).
 */
@NullMarked
package io.meridian.gateway.tls;

import org.jspecify.annotations.NullMarked;
