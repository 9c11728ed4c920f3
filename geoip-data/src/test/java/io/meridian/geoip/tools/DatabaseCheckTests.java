package io.meridian.geoip.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.geoip.GeoIpDatabase;
import io.meridian.geoip.testing.TestDatabases;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseCheckTests {

    @TempDir
    Path directory;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void theBundledDatabaseIsFitToShip() throws Exception {
        Path copy = directory.resolve("bundled.mmdb");
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(GeoIpDatabase.BUNDLED_RESOURCE)) {
            Files.copy(in, copy);
        }

        assertThat(check(copy.toString())).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("database type country ipvAll").contains("OK");
    }

    @Test
    void aFileThatDoesNotOpenIsNotFit() throws Exception {
        Path garbage = Files.writeString(directory.resolve("garbage.mmdb"), "not a database");

        assertThat(check(garbage.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("FAILED: GeoIP database " + garbage.toAbsolutePath() + " is not a usable MaxMind DB file");
    }

    @Test
    void aDatabaseWithCountriesThatHaveNoPointIsNotFit() throws Exception {
        Path file = TestDatabases.bundledCountry()
                .country("8.8.8.0/24", "US")
                .country("1.1.1.0/24", "AU")
                .country("2001:4860::/32", "US")
                .country("5.0.0.0/8", "QZ")
                .writeTo(directory.resolve("new.mmdb"));

        assertThat(check(file.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("FAILED: no reference point for QZ");
    }

    @Test
    void aDatabaseThatCannotLocateWellKnownAddressesIsNotFit() throws Exception {
        Path file = TestDatabases.bundledCountry().country("5.0.0.0/8", "DE").writeTo(directory.resolve("tiny.mmdb"));

        assertThat(check(file.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("FAILED: 8.8.8.8 is not located");
    }

    private int check(String... args) {
        return DatabaseCheck.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }
}
