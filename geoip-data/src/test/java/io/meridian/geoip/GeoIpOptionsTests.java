package io.meridian.geoip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GeoIpOptionsTests {

    @Test
    void defaultsAreTheBundledDatabaseAHundredThousandEntriesAndTenSeconds() {
        GeoIpOptions defaults = GeoIpOptions.defaults();

        assertThat(defaults.database()).isEqualTo("bundled");
        assertThat(defaults.isBundled()).isTrue();
        assertThat(defaults.cacheSize()).isEqualTo(100_000);
        assertThat(defaults.reloadInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(GeoIpOptions.forFile(Path.of("/data/GeoLite2-City.mmdb")).isBundled()).isFalse();
    }

    @Test
    void badValuesAreRejectedWithTheValueInTheMessage() {
        assertThatIllegalArgumentException().isThrownBy(() -> GeoIpOptions.defaults().withCacheSize(-1))
                .withMessage("cacheSize must be >= 0, but was -1");
        assertThatIllegalArgumentException().isThrownBy(() -> GeoIpOptions.defaults().withReloadInterval(Duration.ofSeconds(-5)))
                .withMessage("reloadInterval must not be negative, but was PT-5S");
        assertThatIllegalArgumentException().isThrownBy(() -> GeoIpOptions.defaults().withDatabase(" "))
                .withMessageContaining("but was blank");
    }
}
