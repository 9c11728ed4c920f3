/**
 * Test fixtures shared with the modules that use GeoIP: a writer of real MaxMind DB files and
 * builders of small databases in each supported schema. Published in this module's test-jar.
 */
@NullMarked
package io.meridian.geoip.testing;

import org.jspecify.annotations.NullMarked;
