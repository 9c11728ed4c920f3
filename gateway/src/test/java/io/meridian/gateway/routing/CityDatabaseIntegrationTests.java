package io.meridian.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.geoip.testing.TestDatabases;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The gateway on a MaxMind GeoLite2-City-schema database (written by the test with MaxMind's
 * published format): a city's own coordinates decide, not its country's reference point.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "meridian.trusted-proxies=127.0.0.1",
        "meridian.geoip.reload-interval=0s"})
class CityDatabaseIntegrationTests extends RegionsIntegrationTest {

    static final WireMockRegions regions = new WireMockRegions();
    static final Path database;

    static {
        try {
            database = Files.createTempDirectory("meridian-city").resolve("GeoLite2-City.mmdb");
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
        TestDatabases.geoLite2City()
                .city("5.100.0.0/16", "RU", "Moscow", 55.7558, 37.6173)
                .city("5.101.0.0/16", "RU", "Vladivostok", 43.1155, 131.8855)
                .city("2a02:6b8::/32", "RU", "Khabarovsk", 48.4827, 135.0838)
                .city("24.0.0.0/16", "US", "Honolulu", 21.3069, -157.8583)
                .city("24.1.0.0/16", "US", "Boston", 42.3601, -71.0589)
                .countryOnly("31.0.0.0/16", "RU")
                .writeTo(database);
    }

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("meridian.geoip.database", database::toString);
    }

    @ParameterizedTest(name = "{1}: {2}")
    @CsvSource({
            "5.100.1.1,   Moscow,            eu-central",
            "5.101.1.1,   Vladivostok,       ap-southeast",
            "2a02:6b8::1, Khabarovsk,        ap-southeast",
            "24.0.1.1,    Honolulu,          us-east",
            "24.1.1.1,    Boston,            us-east",
            "31.0.1.1,    RU without a city, eu-central",
    })
    void aCitysCoordinatesWinOverItsCountry(String ip, String place, String region) {
        client.post().uri("/process")
                .header("X-Forwarded-For", ip)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"query\":\"hi\"}")
                .exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(GeoRoutingFilter.REGION_HEADER, region);
    }

    @Autowired
    MeterRegistry meters;

    @Test
    void lookupsThatFailInsideTheDatabaseAreCountedAndNoneDidOnAHealthyFile() {
        client.post().uri("/process").header("X-Forwarded-For", "5.100.1.1")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"query\":\"hi\"}")
                .exchange().expectStatus().isOk();

        assertThat(meters.get("meridian.geoip.lookup.failures").functionCounter().count())
                .isZero();
    }
}
