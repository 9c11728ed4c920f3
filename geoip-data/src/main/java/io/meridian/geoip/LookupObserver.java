package io.meridian.geoip;

import java.net.InetAddress;

/**
 * Called by {@link GeoIpDatabase#locate} while it holds a reference to the database generation it
 * reads from. Lets tests hold a lookup in flight across a reload; production code uses {@link #NONE}.
 */
@FunctionalInterface
interface LookupObserver {

    LookupObserver NONE = address -> { };

    void inFlight(InetAddress address);
}
