package io.meridian.geoip;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.geoip.GeoLocation.Source;
import java.net.Inet6Address;
import java.net.InetAddress;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

class LocateAnyAddressTests {

    private static GeoIpDatabase database;

    @BeforeContainer
    static void open() {
        database = GeoIpDatabase.open(GeoIpOptions.defaults());
    }

    @AfterContainer
    static void close() {
        database.close();
    }

    @Property(tries = 2_000)
    void anyIpv6AddressIsAnsweredAndReservedExactlyWhenClassifiedSo(@ForAll @Size(16) byte[] bytes) throws Exception {
        InetAddress address = Inet6Address.getByAddress(null, bytes, -1);

        assertAnswered(address);
    }

    @Property(tries = 2_000)
    void anyIpv4AddressIsAnsweredAndReservedExactlyWhenClassifiedSo(@ForAll @Size(4) byte[] bytes) throws Exception {
        assertAnswered(InetAddress.getByAddress(bytes));
    }

    private static void assertAnswered(InetAddress address) {
        GeoLocation location = database.locate(address);

        assertThat(location.source() == Source.RESERVED_RANGE)
                .as(address.getHostAddress())
                .isEqualTo(ReservedRanges.classify(address).isPresent());
        assertThat(location.isKnown()).isEqualTo(location.point() != null);
        if (location.source() == Source.COUNTRY_REFERENCE_POINT) {
            assertThat(CountryReferencePoints.bundled().pointOf(location.countryCode())).contains(location.point());
        }
    }
}
