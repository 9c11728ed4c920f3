/**
 * Where a client is, from its IP address: MaxMind-format databases (GeoIP2/GeoLite2 City and
 * Country, DB-IP Lite, ip-location-db's flat schema, the bundled country database), the reserved
 * ranges that are never looked up, the per-country reference points that turn a country into a
 * point, and hot reload of a replaced database file.
 *
 * <p>Start at {@link io.meridian.geoip.GeoIpDatabase#open(io.meridian.geoip.GeoIpOptions)}.
 */
@NullMarked
package io.meridian.geoip;

import org.jspecify.annotations.NullMarked;
