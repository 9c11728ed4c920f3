package io.meridian.geoip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.meridian.geoip.GeoLocation.Source;
import io.meridian.region.GeoPoint;
import org.junit.jupiter.api.Test;

class GeoLocationTests {

    private static final GeoPoint BERLIN = new GeoPoint(52.52, 13.405);

    @Test
    void locatedAnswersHaveAPointAndUnlocatedOnesDoNot() {
        assertThat(GeoLocation.ofCoordinates("de", BERLIN).isKnown()).isTrue();
        assertThat(GeoLocation.ofCoordinates("de", BERLIN).countryCode()).isEqualTo("DE");
        assertThat(GeoLocation.ofCountry("DE", BERLIN).isKnown()).isTrue();
        assertThat(GeoLocation.reserved().isKnown()).isFalse();
        assertThat(GeoLocation.notFound().isKnown()).isFalse();
        assertThat(GeoLocation.countryWithoutPoint("ZZ").source()).isEqualTo(Source.NOT_FOUND);
    }

    @Test
    void inconsistentCombinationsAreRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> new GeoLocation("DE", null, Source.DATABASE_COORDINATES));
        assertThatIllegalArgumentException().isThrownBy(() -> new GeoLocation(null, BERLIN, Source.COUNTRY_REFERENCE_POINT));
        assertThatIllegalArgumentException().isThrownBy(() -> new GeoLocation(null, BERLIN, Source.NOT_FOUND));
        assertThatIllegalArgumentException().isThrownBy(() -> new GeoLocation("DE", null, Source.RESERVED_RANGE));
    }
}
