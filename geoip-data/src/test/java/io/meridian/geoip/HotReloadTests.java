package io.meridian.geoip;

import static io.meridian.geoip.GeoIpDatabaseTests.address;
import static io.meridian.geoip.GeoIpDatabaseTests.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.meridian.geoip.testing.MmdbWriter;
import io.meridian.geoip.testing.TestDatabases;
import io.meridian.testing.MutableClock;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HotReloadTests {

    private static final InetAddress CLIENT = address("81.2.69.160");

    @TempDir
    Path directory;

    @Test
    void replacedFileIsSwappedInAndItsAnswersServed() throws Exception {
        Path file = germany(directory.resolve("city.mmdb"));
        MutableClock clock = new MutableClock(Instant.parse("2026-06-01T12:00:00Z"));

        try (GeoIpDatabase database = GeoIpDatabase.open(options(file).withClock(clock))) {
            assertThat(database.locate(CLIENT).countryCode()).isEqualTo("DE"); // now cached
            clock.advance(Duration.ofMinutes(5));
            france(file);

            assertThat(database.reloadIfChanged()).isTrue();

            assertThat(database.locate(CLIENT).countryCode()).isEqualTo("FR");
            assertThat(database.info().buildTime()).isEqualTo(Instant.parse("2026-02-02T00:00:00Z"));
            assertThat(database.info().loadedAt()).isEqualTo(Instant.parse("2026-06-01T12:05:00Z"));
        }
    }

    @Test
    void unchangedFileIsNotReopened() throws Exception {
        Path file = germany(directory.resolve("city.mmdb"));

        try (GeoIpDatabase database = GeoIpDatabase.open(options(file))) {
            DatabaseGeneration before = database.currentGeneration();

            assertThat(database.reloadIfChanged()).isFalse();
            assertThat(database.currentGeneration()).isSameAs(before);
        }
    }

    @Test
    void corruptReplacementKeepsTheOldDatabaseServingAndWarnsOnce() throws Exception {
        Path file = germany(directory.resolve("city.mmdb"));

        try (GeoIpDatabase database = GeoIpDatabase.open(options(file));
             LogCapture log = new LogCapture(GeoIpDatabase.class)) {
            byte[] valid = Files.readAllBytes(file);
            MmdbWriter.writeAtomically(file, Arrays.copyOf(valid, valid.length / 2));

            assertThat(database.reloadIfChanged()).isFalse();
            assertThat(database.reloadIfChanged()).isFalse();

            assertThat(database.locate(CLIENT).countryCode()).isEqualTo("DE");
            assertThat(log.lines(Level.WARN)).singleElement().asString()
                    .startsWith("GeoIP database " + file.toAbsolutePath())
                    .contains("still serving the copy loaded at")
                    .doesNotContain("\n");

            france(file);
            assertThat(database.reloadIfChanged()).isTrue();
            assertThat(database.locate(CLIENT).countryCode()).isEqualTo("FR");
        }
    }

    @Test
    void smallerDatabaseCopiedOverTheFileInPlaceNeverDisturbsLookupsOfTheCopyBeingServed() throws Exception {
        Path file = germany(directory.resolve("city.mmdb"));
        Object inode = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        byte[] smaller = TestDatabases.geoLite2City()
                .buildTime(Instant.parse("2026-02-02T00:00:00Z"))
                .city("81.2.69.0/24", "FR", "Paris", 48.8566, 2.3522)
                .toBytes();

        // no cache: every lookup reads the database itself, as it would for a new address
        try (GeoIpDatabase database = GeoIpDatabase.open(options(file).withCacheSize(0))) {
            assertThat(database.locate(CLIENT).countryCode()).isEqualTo("DE");

            Files.write(file, smaller); // truncates and rewrites the same file, as cp does
            assertThat(Files.readAttributes(file, BasicFileAttributes.class).fileKey())
                    .as("rewritten in place").isEqualTo(inode);

            assertThat(database.locate(CLIENT).countryCode()).as("before the reload check").isEqualTo("DE");
            assertThat(database.locate(address("81.2.69.7")).countryCode()).isEqualTo("DE");
            assertThat(database.lookupFailures()).isZero();

            assertThat(database.reloadIfChanged()).isTrue();
            assertThat(database.locate(CLIENT).countryCode()).isEqualTo("FR");
        }
    }

    @Test
    void halfCopiedFileKeepsTheOldDatabaseServingUntilTheCopyIsComplete() throws Exception {
        Path file = germany(directory.resolve("city.mmdb"));
        byte[] complete = TestDatabases.geoLite2City()
                .buildTime(Instant.parse("2026-02-02T00:00:00Z"))
                .city("81.2.69.0/24", "FR", "Paris", 48.8566, 2.3522)
                .toBytes();

        try (GeoIpDatabase database = GeoIpDatabase.open(options(file).withCacheSize(0));
             LogCapture log = new LogCapture(GeoIpDatabase.class)) {
            Files.write(file, Arrays.copyOf(complete, complete.length / 2)); // cp is half way

            assertThat(database.reloadIfChanged()).isFalse();
            assertThat(database.reloadIfChanged()).isFalse();
            assertThat(database.locate(CLIENT).countryCode()).isEqualTo("DE");
            assertThat(log.lines(Level.WARN)).singleElement().asString()
                    .contains("still serving the copy loaded at").doesNotContain("\n");

            Files.write(file, complete); // cp is done

            assertThat(database.reloadIfChanged()).isTrue();
            assertThat(database.locate(CLIENT).countryCode()).isEqualTo("FR");
        }
    }

    @Test
    void fileThatIsNoLongerTheOneStatBeforeReadingItIsReportedAsStillBeingWritten() throws Exception {
        Path file = germany(directory.resolve("city.mmdb"));
        FileIdentity before = FileIdentity.of(file);
        france(file); // written between the check's stat and its read

        assertThatExceptionOfType(FileChangingException.class)
                .isThrownBy(() -> DatabaseGeneration.openFile(file, before, options(file), new LocationResolver(
                        CountryReferencePoints.bundled()), new LongAdder()))
                .withMessageContaining("changed while it was being read");

        DatabaseGeneration generation = DatabaseGeneration.openFile(file, FileIdentity.of(file), options(file),
                new LocationResolver(CountryReferencePoints.bundled()), new LongAdder());
        assertThat(generation.locate(CLIENT).countryCode()).isEqualTo("FR");
        generation.retire();
    }

    @Test
    void asnDatabaseSwappedInKeepsTheOldDatabaseServingAndWarnsOnce() throws Exception {
        Path file = germany(directory.resolve("city.mmdb"));

        try (GeoIpDatabase database = GeoIpDatabase.open(options(file));
             LogCapture log = new LogCapture(GeoIpDatabase.class)) {
            TestDatabases.geoLite2Asn().asn("81.2.69.0/24", 20712, "Andrews & Arnold Ltd").writeTo(file);

            assertThat(database.reloadIfChanged()).isFalse();
            assertThat(database.reloadIfChanged()).isFalse();

            assertThat(database.locate(CLIENT).countryCode()).isEqualTo("DE");
            assertThat(database.info().databaseType()).isEqualTo("GeoLite2-City");
            assertThat(log.lines(Level.INFO)).isEmpty();
            assertThat(log.lines(Level.WARN)).singleElement().asString()
                    .contains("(type 'GeoLite2-ASN') holds no location data")
                    .contains("still serving the copy loaded at");
        }
    }

    @Test
    void deletedFileKeepsTheOldDatabaseServingAndWarnsOnce() throws Exception {
        Path file = germany(directory.resolve("city.mmdb"));

        try (GeoIpDatabase database = GeoIpDatabase.open(options(file));
             LogCapture log = new LogCapture(GeoIpDatabase.class)) {
            Files.delete(file);

            assertThat(database.reloadIfChanged()).isFalse();
            assertThat(database.reloadIfChanged()).isFalse();

            assertThat(database.locate(CLIENT).countryCode()).isEqualTo("DE");
            assertThat(log.lines(Level.WARN)).singleElement().asString().contains("does not exist");
        }
    }

    @Test
    void oldReaderIsClosedOnlyAfterTheLookupsInFlightOnItFinish() throws Exception {
        Path file = germany(directory.resolve("city.mmdb"));
        InetAddress held = address("81.2.69.1");
        CountDownLatch lookupStarted = new CountDownLatch(1);
        CountDownLatch releaseLookup = new CountDownLatch(1);
        LookupObserver holdOneLookup = address -> {
            if (address.equals(held)) {
                lookupStarted.countDown();
                block(releaseLookup);
            }
        };
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (GeoIpDatabase database = GeoIpDatabase.open(options(file), CountryReferencePoints.bundled(), holdOneLookup)) {
            DatabaseGeneration old = database.currentGeneration();
            CompletableFuture<GeoLocation> inFlight = CompletableFuture.supplyAsync(() -> database.locate(held), executor);
            assertThat(lookupStarted.await(10, TimeUnit.SECONDS)).isTrue();

            france(file);
            assertThat(database.reloadIfChanged()).isTrue();

            assertThat(database.locate(CLIENT).countryCode()).isEqualTo("FR");
            assertThat(old.isReaderClosed()).as("old reader closed while a lookup still reads it").isFalse();

            releaseLookup.countDown();
            assertThat(inFlight.get(10, TimeUnit.SECONDS).countryCode()).isEqualTo("DE");
            assertThat(old.isReaderClosed()).isTrue();
            assertThat(database.currentGeneration().isReaderClosed()).isFalse();
        } finally {
            releaseLookup.countDown();
            executor.shutdownNow();
        }
    }

    @Test
    void watcherThreadSwapsInAReplacedFileOnItsOwn() throws Exception {
        Path file = germany(directory.resolve("city.mmdb"));

        try (GeoIpDatabase database = GeoIpDatabase.open(options(file).withReloadInterval(Duration.ofMillis(20)))) {
            assertThat(database.locate(CLIENT).countryCode()).isEqualTo("DE");

            france(file);

            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(database.locate(CLIENT).countryCode()).isEqualTo("FR"));
        }
    }

    @Test
    void closingStopsTheWatcherAndClosesTheReader() throws Exception {
        Path file = germany(directory.resolve("city.mmdb"));
        GeoIpDatabase database = GeoIpDatabase.open(options(file).withReloadInterval(Duration.ofMillis(20)));
        DatabaseGeneration generation = database.currentGeneration();

        database.close();
        france(file);

        assertThat(generation.isReaderClosed()).isTrue();
        assertThat(database.reloadIfChanged()).isFalse();
        assertThat(database.currentGeneration()).isSameAs(generation);
    }

    @Test
    void bundledDatabaseIsNeverReloaded() {
        try (GeoIpDatabase database = GeoIpDatabase.open(GeoIpOptions.defaults())) {
            assertThat(database.reloadIfChanged()).isFalse();
        }
    }

    private static Path germany(Path file) {
        return TestDatabases.geoLite2City()
                .buildTime(Instant.parse("2026-01-01T00:00:00Z"))
                .city("81.2.69.0/24", "DE", "Berlin", 52.52, 13.405)
                .writeTo(file);
    }

    private static Path france(Path file) {
        return TestDatabases.geoLite2City()
                .buildTime(Instant.parse("2026-02-02T00:00:00Z"))
                .city("81.2.69.0/24", "FR", "Paris", 48.8566, 2.3522)
                .writeTo(file);
    }

    private static void block(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("the test never released the lookup");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
