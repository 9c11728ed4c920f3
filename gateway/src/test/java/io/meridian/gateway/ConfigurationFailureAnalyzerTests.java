package io.meridian.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.geoip.testing.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.diagnostics.FailureAnalysis;

class ConfigurationFailureAnalyzerTests {

    static Throwable startWith(String... args) {
        SpringApplication app = new SpringApplication(GatewayApplication.class);
        app.setWebApplicationType(WebApplicationType.REACTIVE);
        Throwable[] failure = new Throwable[1];
        assertThatThrownBy(() -> app.run(args)).satisfies(t -> failure[0] = t);
        return failure[0];
    }

    @Test
    void aRegionWithItsLatitudeOffTheGlobeStopsStartUpWithOneLine() {
        Throwable failure = startWith("--server.port=0",
                "--meridian.regions[0].id=eu-central", "--meridian.regions[0].latitude=123.0",
                "--meridian.regions[0].longitude=8.6", "--meridian.regions[0].endpoints[0]=http://127.0.0.1:1",
                "--meridian.regions[0].zone=eu");

        FailureAnalysis analysis = new ConfigurationFailureAnalyzer().analyze(failure);

        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription()).isEqualTo(
                "spring configuration (meridian.regions): region 'eu-central' latitude must be within [-90, 90], but was 123.0");
    }

    @Test
    void anUnreadableRegionsFileStopsStartUpWithOneLine() {
        Throwable failure = startWith("--server.port=0", "--meridian.regions-file=/nonexistent/regions.yml");

        FailureAnalysis analysis = new ConfigurationFailureAnalyzer().analyze(failure);

        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription()).isEqualTo("/nonexistent/regions.yml: regions file does not exist");
    }

    @Test
    void aMalformedTrustedProxyStopsStartUpWithOneLine() {
        Throwable failure = startWith("--server.port=0", "--meridian.client.trusted-proxies=10.0.0.0/33");

        FailureAnalysis analysis = new ConfigurationFailureAnalyzer().analyze(failure);

        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription()).isEqualTo(
                "meridian.client.trusted-proxies[0]: '10.0.0.0/33' is not a CIDR block: the prefix length must be within [0, 32]");
    }

    @Test
    void aTrustedProxyUnderItsOldNameIsStillReadAndReportedUnderTheNewOne() {
        Throwable failure = startWith("--server.port=0", "--meridian.trusted-proxies=10.0.0.0/33");

        FailureAnalysis analysis = new ConfigurationFailureAnalyzer().analyze(failure);

        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription()).isEqualTo(
                "meridian.client.trusted-proxies[0]: '10.0.0.0/33' is not a CIDR block: the prefix length must be within [0, 32]");
    }

    @Test
    void aMissingGeoIpDatabaseStopsStartUpWithOneLine() {
        Throwable failure = startWith("--server.port=0", "--meridian.geoip.database=/nonexistent/City.mmdb");

        FailureAnalysis analysis = new ConfigurationFailureAnalyzer().analyze(failure);

        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription()).contains("/nonexistent/City.mmdb").doesNotContain("\n");
    }

    @Test
    void anAsnDatabaseWithoutLocationDataStopsStartUpWithOneLine(@TempDir Path directory) {
        Path asn = TestDatabases.geoLite2Asn().asn("8.8.8.0/24", 15169, "GOOGLE")
                .writeTo(directory.resolve("GeoLite2-ASN.mmdb"));

        Throwable failure = startWith("--server.port=0", "--meridian.geoip.database=" + asn);

        FailureAnalysis analysis = new ConfigurationFailureAnalyzer().analyze(failure);

        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription())
                .contains(asn.toString(), "(type 'GeoLite2-ASN') holds no location data")
                .doesNotContain("\n");
    }
}
