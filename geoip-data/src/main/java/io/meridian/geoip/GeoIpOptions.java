package io.meridian.geoip;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How to open a {@link GeoIpDatabase}.
 *
 * @param database       {@value #BUNDLED} for the country database inside this library, or the
 *                       filesystem path of a MaxMind-format ({@code .mmdb}) file
 * @param cacheSize      how many lookups to remember, at most; 0 turns the cache off
 * @param reloadInterval how often to check whether the file was replaced; {@link Duration#ZERO}
 *                       turns watching off. Ignored for the bundled database, which never changes
 * @param clock          the clock that stamps {@link DatabaseInfo#loadedAt()}
 */
public record GeoIpOptions(String database, long cacheSize, Duration reloadInterval, Clock clock) {

    /** The {@link #database()} value that selects the database bundled with this library. */
    public static final String BUNDLED = "bundled";

    /** Default {@link #cacheSize()}: one hundred thousand addresses. */
    public static final long DEFAULT_CACHE_SIZE = 100_000;

    /** Default {@link #reloadInterval()}: ten seconds. */
    public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(10);

    public GeoIpOptions {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(reloadInterval, "reloadInterval");
        Objects.requireNonNull(clock, "clock");
        if (database.isBlank()) {
            throw new IllegalArgumentException(
                    "database must be '" + BUNDLED + "' or the path of a .mmdb file, but was blank");
        }
        if (cacheSize < 0) {
            throw new IllegalArgumentException("cacheSize must be >= 0, but was " + cacheSize);
        }
        if (reloadInterval.isNegative()) {
            throw new IllegalArgumentException("reloadInterval must not be negative, but was " + reloadInterval);
        }
    }

    /** The bundled database, a cache of {@value #DEFAULT_CACHE_SIZE} entries, the UTC system clock. */
    public static GeoIpOptions defaults() {
        return new GeoIpOptions(BUNDLED, DEFAULT_CACHE_SIZE, DEFAULT_RELOAD_INTERVAL, Clock.systemUTC());
    }

    /** The defaults, reading the database file at {@code path} and watching it for replacement. */
    public static GeoIpOptions forFile(Path path) {
        return defaults().withDatabase(path.toString());
    }

    public GeoIpOptions withDatabase(String database) {
        return new GeoIpOptions(database, cacheSize, reloadInterval, clock);
    }

    public GeoIpOptions withCacheSize(long cacheSize) {
        return new GeoIpOptions(database, cacheSize, reloadInterval, clock);
    }

    public GeoIpOptions withReloadInterval(Duration reloadInterval) {
        return new GeoIpOptions(database, cacheSize, reloadInterval, clock);
    }

    public GeoIpOptions withClock(Clock clock) {
        return new GeoIpOptions(database, cacheSize, reloadInterval, clock);
    }

    /** Whether {@link #database()} selects the bundled database rather than a file. */
    public boolean isBundled() {
        return BUNDLED.equals(database);
    }
}
