/** Client location from a MaxMind-format GeoIP database, and the diagnostic locate endpoint. */
@NullMarked
package io.meridian.gateway.geo;

import org.jspecify.annotations.NullMarked;
