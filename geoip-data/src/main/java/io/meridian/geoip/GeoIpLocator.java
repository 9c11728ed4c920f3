package io.meridian.geoip;

import java.net.InetAddress;

/**
 * Finds where an IP address is.
 *
 * <p>Implementations answer for every address and never throw for its content: an address that
 * cannot be placed is a {@link GeoLocation} that is not {@linkplain GeoLocation#isKnown() known}.
 */
@FunctionalInterface
public interface GeoIpLocator {

    /**
     * Locates {@code address}.
     *
     * @param address an IPv4 or IPv6 address; IPv4-mapped and IPv4-compatible IPv6 forms are
     *                treated as the IPv4 address they carry
     * @return the location, never {@code null}
     */
    GeoLocation locate(InetAddress address);
}
