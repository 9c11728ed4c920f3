package io.meridian.geoip;

import java.time.Instant;

/**
 * What a {@link GeoIpDatabase} is serving right now.
 *
 * @param source       the file's path, or {@value GeoIpOptions#BUNDLED} for the database inside this library
 * @param databaseType the database's own type name, e.g. {@code GeoLite2-City} or {@code country ipvAll}
 * @param buildTime    when the database was built, from its metadata
 * @param ipVersion    4 for an IPv4-only database, 6 for one that holds IPv6 (and IPv4) networks
 * @param loadedAt     when this copy was opened, by the options' clock
 */
public record DatabaseInfo(String source, String databaseType, Instant buildTime, int ipVersion, Instant loadedAt) {
}
