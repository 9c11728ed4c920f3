package io.meridian.geoip;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A MaxMind-format GeoIP database, cached, reloaded when its file is replaced.
 *
 * <p>Design note. Lookups go: reserved range? (answered without the database) → the current
 * generation's cache → MaxMind's reader. A generation is one opened copy of the file with its own
 * Caffeine cache; reload opens and validates a new generation off to the side, publishes it with
 * one atomic swap, and retires the old one, whose reader is closed by the last lookup still using
 * it (reference counting, see {@code DatabaseGeneration}). Lookups therefore never block on a
 * reload and never see a closed reader. The trade-off: for a moment two copies are in memory, and
 * an answer cached from the old copy is dropped with it rather than carried over.
 *
 * <p>Watching: when {@link GeoIpOptions#reloadInterval()} is positive, one daemon thread compares
 * the file's identity (size, modification time, file key) at that interval; {@link
 * #reloadIfChanged()} does the same on demand. A replacement that is missing or does not open
 * keeps the current copy serving and logs one warning line, once per replacement. A file that
 * changes while it is read (a {@code cp} over it still running) is not used either: the next check
 * tries again, and the warning is written once however many checks it takes. A database whose
 * records hold no location (GeoLite2-ASN and the like) is refused, when opened and on reload.
 *
 * <p>Risk: the file is read into the heap, never memory-mapped, because a mapped file rewritten in
 * place changes under its reader and faults inside the JVM. Each generation therefore costs the
 * file's size in heap. Writing a new file and renaming it over the old one (as {@code geoipupdate}
 * does) is still the better way to replace it: the first check after the rename sees the whole file.
 */
public final class GeoIpDatabase implements GeoIpLocator, AutoCloseable {

    /** Classpath location of the bundled database. */
    public static final String BUNDLED_RESOURCE = "meridian/geoip/geo-whois-asn-country.mmdb";

    private static final Logger log = LoggerFactory.getLogger(GeoIpDatabase.class);

    private final GeoIpOptions options;
    private final @Nullable Path path;
    private final LocationResolver resolver;
    private final LookupObserver observer;
    private final LongAdder lookupFailures;
    private final AtomicReference<DatabaseGeneration> current;
    private final @Nullable ScheduledExecutorService watcher;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object reloadLock = new Object();
    /** The identity of a replacement that failed to open, so that it is reported once. Guarded by reloadLock. */
    private @Nullable FileIdentity rejected;
    /** Whether "the file is being written" was already said since the last successful check. Guarded by reloadLock. */
    private boolean changingReported;

    private GeoIpDatabase(GeoIpOptions options, @Nullable Path path, LocationResolver resolver,
                          LookupObserver observer, LongAdder lookupFailures, DatabaseGeneration first) {
        this.options = options;
        this.lookupFailures = lookupFailures;
        this.path = path;
        this.resolver = resolver;
        this.observer = observer;
        this.current = new AtomicReference<>(first);
        this.watcher = path != null && options.reloadInterval().isPositive() ? newWatcherThread() : null;
    }

    /**
     * Opens the database that {@code options} names.
     *
     * @throws GeoIpDatabaseException with a one-line message naming the database and what is wrong
     */
    public static GeoIpDatabase open(GeoIpOptions options) {
        return open(options, CountryReferencePoints.bundled(), LookupObserver.NONE);
    }

    static GeoIpDatabase open(GeoIpOptions options, CountryReferencePoints referencePoints, LookupObserver observer) {
        Objects.requireNonNull(options, "options");
        LocationResolver resolver = new LocationResolver(referencePoints);
        LongAdder lookupFailures = new LongAdder();
        if (options.isBundled()) {
            return new GeoIpDatabase(options, null, resolver, observer, lookupFailures,
                    DatabaseGeneration.openResource(BUNDLED_RESOURCE, options, resolver, lookupFailures));
        }
        Path path = Path.of(options.database()).toAbsolutePath().normalize();
        FileIdentity identity;
        try {
            identity = FileIdentity.of(path);
        } catch (IOException e) {
            throw new GeoIpDatabaseException("GeoIP database " + path + " cannot be read: " + DatabaseGeneration.oneLine(e), e);
        }
        GeoIpDatabase database = new GeoIpDatabase(options, path, resolver, observer, lookupFailures,
                DatabaseGeneration.openFile(path, identity, options, resolver, lookupFailures));
        database.startWatching();
        return database;
    }

    /**
     * Where {@code address} is. Never throws for any address; after {@link #close()} every address
     * that is not reserved is {@linkplain GeoLocation.Source#NOT_FOUND not found}.
     */
    @Override
    public GeoLocation locate(InetAddress address) {
        InetAddress canonical = Addresses.canonical(address);
        if (ReservedRanges.classifyCanonical(canonical) != null) {
            return GeoLocation.reserved();
        }
        DatabaseGeneration generation = acquire();
        if (generation == null) {
            return GeoLocation.notFound();
        }
        try {
            observer.inFlight(address);
            return generation.locate(canonical);
        } catch (RuntimeException | InternalError e) {
            // the generation answers its own read failures; this catches what escapes it (the cache)
            lookupFailures.increment();
            log.debug("GeoIP lookup of {} failed: {}", address.getHostAddress(), DatabaseGeneration.oneLine(e));
            return GeoLocation.notFound();
        } finally {
            generation.release();
        }
    }

    /** Lookups that failed inside the database and were answered {@linkplain GeoLocation.Source#NOT_FOUND not found}. */
    public long lookupFailures() {
        return lookupFailures.sum();
    }

    /** What is being served right now. */
    public DatabaseInfo info() {
        return current.get().info();
    }

    /**
     * Swaps in the database file if it was replaced since it was last read. The watcher thread
     * calls this on the reload interval; callers may call it at any time.
     *
     * @return true when a new file was opened and now serves lookups; false when the file is
     *         unchanged, is the bundled database, was replaced by a file that does not open (the old
     *         one keeps serving), or this database is closed
     */
    public boolean reloadIfChanged() {
        if (path == null) {
            return false;
        }
        synchronized (reloadLock) {
            if (closed.get()) {
                return false;
            }
            DatabaseGeneration serving = current.get();
            FileIdentity now;
            try {
                now = FileIdentity.of(path);
            } catch (IOException e) {
                return reject(FileIdentity.UNREADABLE,
                        "GeoIP database " + path + " cannot be read: " + DatabaseGeneration.oneLine(e), serving);
            }
            if (now.equals(serving.identity()) || now.equals(rejected)) {
                changingReported = false;
                return false;
            }
            DatabaseGeneration replacement;
            try {
                replacement = DatabaseGeneration.openFile(path, now, options, resolver, lookupFailures);
            } catch (FileChangingException e) {
                // not remembered as rejected: the next check reads the file again, whatever it then is
                if (!changingReported) {
                    changingReported = true;
                    log.warn("{}; still serving the copy loaded at {} (built {}), trying again on the next check",
                            e.getMessage(), serving.info().loadedAt(), serving.info().buildTime());
                }
                return false;
            } catch (GeoIpDatabaseException e) {
                return reject(now, e.getMessage(), serving);
            }
            rejected = null;
            changingReported = false;
            current.set(replacement);
            serving.retire();
            log.info("GeoIP database {} reloaded: {} built {}", path, replacement.info().databaseType(),
                    replacement.info().buildTime());
            return true;
        }
    }

    /** Remembers a replacement that cannot be used and warns about it, once per replacement. Holds reloadLock. */
    private boolean reject(FileIdentity identity, @Nullable String reason, DatabaseGeneration serving) {
        if (!identity.equals(rejected)) {
            rejected = identity;
            log.warn("{}; still serving the copy loaded at {} (built {})", reason, serving.info().loadedAt(),
                    serving.info().buildTime());
        }
        return false;
    }

    /** Stops watching and closes the reader once the lookups in flight are done. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (watcher != null) {
            watcher.shutdownNow();
        }
        synchronized (reloadLock) {
            current.get().retire();
        }
    }

    /** The generation serving now, for tests that watch a retired one close. */
    DatabaseGeneration currentGeneration() {
        return current.get();
    }

    private @Nullable DatabaseGeneration acquire() {
        while (true) {
            DatabaseGeneration generation = current.get();
            if (generation.tryAcquire()) {
                return generation;
            }
            // it was retired between get and acquire: its successor is already published, unless we are closed
            if (closed.get()) {
                return null;
            }
        }
    }

    private static ScheduledExecutorService newWatcherThread() {
        return Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "meridian-geoip-reload");
            thread.setDaemon(true);
            return thread;
        });
    }

    private void startWatching() {
        if (watcher != null) {
            long nanos = options.reloadInterval().toNanos();
            watcher.scheduleWithFixedDelay(this::reloadQuietly, nanos, nanos, TimeUnit.NANOSECONDS);
        }
    }

    private void reloadQuietly() {
        try {
            reloadIfChanged();
        } catch (RuntimeException e) {
            // an exception would cancel the schedule and silently end all future reloads
            log.warn("GeoIP database {} reload check failed: {}", path, DatabaseGeneration.oneLine(e));
        }
    }
}
