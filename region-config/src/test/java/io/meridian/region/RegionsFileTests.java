package io.meridian.region;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RegionsFileTests {

    static final String VALID = """
            zones: [us, eu, apac]
            default-region: us-east
            regions:
              - id: us-east
                name: US East (New York)
                latitude: 40.7128
                longitude: -74.0060
                endpoints: [http://127.0.0.1:9001]
                zone: us
              - id: eu-central
                name: EU Central (Frankfurt)
                latitude: 50.1109
                longitude: 8.6821
                endpoints: ["http://127.0.0.1:9002/", "https://eu-2.example.net:8443"]
                bias: -100
                capacity: 50
                zone: eu
            """;

    static RegionCatalog load(String yaml) {
        return RegionCatalog.from(RegionsFile.parse(
                new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "regions.yml"));
    }

    static String loadError(String yaml) {
        try {
            load(yaml);
        } catch (RegionConfigException ex) {
            assertThat(ex.getMessage()).as("one line").doesNotContain("\n");
            return ex.getMessage();
        }
        throw new AssertionError("expected the configuration to be rejected");
    }

    @Test
    void loadsEveryFieldOfAValidFile() {
        RegionCatalog catalog = load(VALID);

        assertThat(catalog.regions()).extracting(Region::id).containsExactly("us-east", "eu-central");
        assertThat(catalog.defaultRegion().id()).isEqualTo("us-east");
        Region eu = catalog.find("eu-central").orElseThrow();
        assertThat(eu.displayName()).isEqualTo("EU Central (Frankfurt)");
        assertThat(eu.location()).isEqualTo(new GeoPoint(50.1109, 8.6821));
        assertThat(eu.endpoints()).containsExactly(URI.create("http://127.0.0.1:9002"),
                URI.create("https://eu-2.example.net:8443"));
        assertThat(eu.biasKm()).isEqualTo(-100);
        assertThat(eu.capacity()).isEqualTo(50);
        assertThat(eu.zone()).isEqualTo("eu");
        assertThat(catalog.find("us-east").orElseThrow().capacity()).isEqualTo(RegionCatalog.DEFAULT_CAPACITY);
    }

    @Test
    void loadsFromAFileOnDisk(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("regions.yml");
        Files.writeString(file, VALID);

        assertThat(RegionsFile.load(file).size()).isEqualTo(2);
    }

    @Test
    void namesAMissingFile(@TempDir Path dir) {
        assertThatThrownBy(() -> RegionsFile.load(dir.resolve("nope.yml")))
                .isInstanceOf(RegionConfigException.class)
                .hasMessageEndingWith("nope.yml: regions file does not exist");
    }

    @Test
    void rejectsADuplicateId() {
        assertThat(loadError(VALID.replace("id: eu-central", "id: us-east")))
                .isEqualTo("regions.yml: region 'us-east' id is a duplicate: regions[1] uses an id that an earlier region already has");
    }

    @Test
    void rejectsALatitudeOffTheGlobe() {
        assertThat(loadError(VALID.replace("latitude: 50.1109", "latitude: 123.0")))
                .isEqualTo("regions.yml: region 'eu-central' latitude must be within [-90, 90], but was 123.0");
    }

    @Test
    void rejectsALongitudeOffTheGlobe() {
        assertThat(loadError(VALID.replace("longitude: 8.6821", "longitude: -181")))
                .isEqualTo("regions.yml: region 'eu-central' longitude must be within [-180, 180], but was -181.0");
    }

    @Test
    void rejectsARegionWithoutEndpoints() {
        assertThat(loadError(VALID.replace("endpoints: [http://127.0.0.1:9001]", "endpoints: []")))
                .isEqualTo("regions.yml: region 'us-east' endpoints must list at least one URL, but was empty");
        assertThat(loadError(VALID.replace("    endpoints: [http://127.0.0.1:9001]\n", "")))
                .isEqualTo("regions.yml: region 'us-east' endpoints must list at least one URL, but was empty");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            htp://127.0.0.1:9002        | endpoints[0] must be an http(s) URL, but was 'htp://127.0.0.1:9002'
            127.0.0.1:9002              | endpoints[0] must be an http(s) URL, but was '127.0.0.1:9002' (Illegal character in scheme name)
            'http://exa mple.com'       | endpoints[0] must be an http(s) URL, but was 'http://exa mple.com' (Illegal character in authority)
            http://                     | endpoints[0] must be an http(s) URL, but was 'http://' (Expected authority)
            http://host:9002/?debug=1   | endpoints[0] must be a base URL without user info, query or fragment, but was 'http://host:9002/?debug=1'
            http://user:pw@host:9002    | endpoints[0] must be a base URL without user info, query or fragment, but was 'http://user:pw@host:9002'
            """)
    void rejectsAMalformedEndpoint(String url, String problem) {
        String yaml = VALID.replace("[\"http://127.0.0.1:9002/\", \"https://eu-2.example.net:8443\"]", "['" + url + "']");
        assertThat(loadError(yaml)).isEqualTo("regions.yml: region 'eu-central' " + problem);
    }

    @Test
    void rejectsAnUndeclaredZone() {
        assertThat(loadError(VALID.replace("zone: eu", "zone: mars")))
                .isEqualTo("regions.yml: region 'eu-central' zone must be one of the declared zones [us, eu, apac], but was 'mars'");
    }

    @Test
    void usesTheDefaultZonesWhenNoneAreDeclared() {
        RegionCatalog catalog = load(VALID.replace("zones: [us, eu, apac]\n", ""));

        assertThat(catalog.zones()).containsExactlyInAnyOrderElementsOf(RegionCatalog.DEFAULT_ZONES);
    }

    @Test
    void rejectsAMisspeltField() {
        assertThat(loadError(VALID.replace("latitude: 50.1109", "latitute: 50.1109")))
                .startsWith("regions.yml: region 'eu-central' has unknown field 'latitute'; known fields are [bias, capacity,");
    }

    @Test
    void rejectsAWronglyTypedValue() {
        assertThat(loadError(VALID.replace("latitude: 50.1109", "latitude: north")))
                .isEqualTo("regions.yml: region 'eu-central' latitude must be a number, but was 'north'");
        assertThat(loadError(VALID.replace("capacity: 50", "capacity: 0")))
                .isEqualTo("regions.yml: region 'eu-central' capacity must be at least 1, but was 0");
    }

    @Test
    void rejectsAnIdThatCannotNameATask() {
        assertThat(loadError(VALID.replace("id: eu-central", "id: EU_Central")))
                .isEqualTo("regions.yml: region 'EU_Central' id must be lowercase letters, digits and dashes, starting with a letter, but was 'EU_Central'");
    }

    @Test
    void rejectsADefaultRegionThatDoesNotExist() {
        assertThat(loadError(VALID.replace("default-region: us-east", "default-region: us-west")))
                .isEqualTo("regions.yml: default-region must name a configured region [us-east, eu-central], but was 'us-west'");
    }

    @Test
    void reportsBrokenYamlWithItsPosition() {
        assertThat(loadError("regions:\n  - id: [unclosed\n"))
                .startsWith("regions.yml: is not valid YAML at line 3");
    }

    @Test
    void rejectsAnEmptyFileAndAnEmptyRegionList() {
        assertThat(loadError("")).isEqualTo("regions.yml: is empty; it must have a 'regions' list");
        assertThat(loadError("regions: []")).isEqualTo("regions.yml: no regions are configured; at least one is required");
    }

    @Test
    void refusesYamlTagsThatWouldConstructArbitraryTypes() {
        assertThat(loadError("regions: !!java.net.URL [\"http://example.com\"]"))
                .startsWith("regions.yml: is not valid YAML");
    }
}
