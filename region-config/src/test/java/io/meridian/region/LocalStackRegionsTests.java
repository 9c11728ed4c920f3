package io.meridian.region;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.region.LocalStackRegions.LocalRegion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStackRegionsTests {

    static final String TWO_REGIONS = """
            zones: [us, eu]
            regions:
              - id: us-west
                latitude: 37.77
                longitude: -122.42
                endpoints: [http://127.0.0.1:9101]
                capacity: 20
                zone: us
              - id: eu-west
                latitude: 53.35
                longitude: -6.26
                endpoints: http://localhost:9102
                zone: eu
            """;

    @TempDir
    Path dir;

    Path file(String yaml) throws IOException {
        return Files.writeString(dir.resolve("regions.yml"), yaml);
    }

    @Test
    void takesTheRegionsTheirIdsAndPortsFromTheFile() throws IOException {
        Path target = dir.resolve("gateway-regions.yml");

        List<LocalRegion> regions = LocalStackRegions.plan(file(TWO_REGIONS), target, "https", List.of());

        assertThat(regions).containsExactly(new LocalRegion("us-west", 9101), new LocalRegion("eu-west", 9102));
        RegionCatalog written = RegionsFile.load(target);
        assertThat(written.regions()).extracting(Region::id).containsExactly("us-west", "eu-west");
        assertThat(written.regions()).extracting(Region::primaryEndpoint).containsExactly(
                URI.create("https://127.0.0.1:9101"), URI.create("https://127.0.0.1:9102"));
        assertThat(written.find("us-west").orElseThrow().capacity()).isEqualTo(20);
    }

    @Test
    void givenPortsReplaceTheFilesInItsOrder() throws IOException {
        Path target = dir.resolve("gateway-regions.yml");

        List<LocalRegion> regions = LocalStackRegions.plan(file(TWO_REGIONS), target, "http", List.of(7001, 7002));

        assertThat(regions).extracting(LocalRegion::port).containsExactly(7001, 7002);
        assertThat(RegionsFile.load(target).regions()).extracting(Region::primaryEndpoint).containsExactly(
                URI.create("http://127.0.0.1:7001"), URI.create("http://127.0.0.1:7002"));
    }

    @Test
    void refusesAPortCountThatDoesNotMatchTheRegions() throws IOException {
        Path source = file(TWO_REGIONS);

        assertThatThrownBy(() -> LocalStackRegions.plan(source, dir.resolve("out.yml"), "http", List.of(7001)))
                .hasMessageContaining("1 ports were given").hasMessageContaining("[us-west, eu-west]");
    }

    @Test
    void refusesARegionWhoseEndpointIsNotOnThisMachine() throws IOException {
        Path source = file(TWO_REGIONS.replace("http://localhost:9102", "https://eu.example.net:8443"));

        assertThatThrownBy(() -> LocalStackRegions.plan(source, dir.resolve("out.yml"), "http", List.of()))
                .hasMessageContaining("region 'eu-west' endpoint https://eu.example.net:8443 is not on this machine");
    }

    @Test
    void printsOneLinePerRegionAndReportsAnInvalidFileOnOneLine() throws IOException {
        Path source = file(TWO_REGIONS);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int ok = LocalStackRegions.run(new String[] {source.toString(), dir.resolve("out.yml").toString(), "http"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        Files.writeString(source, TWO_REGIONS.replace("latitude: 37.77", "latitute: 37.77"));
        int bad = LocalStackRegions.run(new String[] {source.toString(), dir.resolve("out.yml").toString(), "http"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(ok).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("us-west 9101\neu-west 9102\n");
        assertThat(bad).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).strip()).contains("unknown field 'latitute'").doesNotContain("\n");
    }
}
