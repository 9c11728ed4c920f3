package io.meridian.geoip;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.maxmind.db.CHMCache;
import com.maxmind.db.InvalidDatabaseException;
import com.maxmind.db.InvalidNetworkException;
import com.maxmind.db.Metadata;
import com.maxmind.db.Networks;
import com.maxmind.db.Reader;
import io.meridian.geoip.internal.GeoRecord;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One opened copy of a database: its reader, what it is, and the lookups answered from it.
 *
 * <p>Design note: the reader is shared by every lookup and must not be closed under one, yet a
 * reload must not wait for lookups. So each generation counts its users: the owning
 * {@link GeoIpDatabase} holds one reference from opening until it {@linkplain #retire() retires}
 * the generation, every lookup holds one for its duration, and whoever drops the count to zero
 * closes the reader. A generation whose count reached zero can never be acquired again, so a
 * lookup that raced a swap simply retries on the new generation. The lookup cache belongs to the
 * generation, which makes "clear the cache on reload" exact: no lookup against the old file can
 * put an answer into the new file's cache.
 */
final class DatabaseGeneration {

    private static final Logger log = LoggerFactory.getLogger(DatabaseGeneration.class);

    /** Probed when a database is opened: a lookup that walks the tree and decodes a record. */
    private static final InetAddress PROBE = Cidr.literal("8.8.8.8");

    /** Records decoded when a database is opened, to catch a broken data section early. */
    private static final int VALIDATED_RECORDS = 16;

    /**
     * Records read at most, when a database is opened, to find one with a country or coordinates.
     * An ASN, ISP or connection-type database decodes without error (its fields are simply not
     * ours) and would send every client to the default region; this is how it is told apart.
     */
    static final int LOCATION_PROBE_RECORDS = 1024;

    private final Reader reader;
    private final DatabaseInfo info;
    private final @Nullable FileIdentity identity;
    private final LocationResolver resolver;
    private final @Nullable Cache<InetAddress, GeoLocation> cache;
    private final AtomicInteger references = new AtomicInteger(1);
    private final AtomicBoolean retired = new AtomicBoolean();
    private final AtomicBoolean lookupFailureLogged = new AtomicBoolean();
    private final LongAdder lookupFailures;
    private volatile boolean readerClosed;

    private DatabaseGeneration(Reader reader, DatabaseInfo info, @Nullable FileIdentity identity, LocationResolver resolver,
                               long cacheSize, LongAdder lookupFailures) {
        this.reader = reader;
        this.lookupFailures = lookupFailures;
        this.info = info;
        this.identity = identity;
        this.resolver = resolver;
        // maintenance runs on the calling thread: no pool thread per generation, deterministic eviction
        this.cache = cacheSize == 0 ? null : Caffeine.newBuilder().maximumSize(cacheSize).executor(Runnable::run).build();
    }

    /**
     * Reads the file at {@code path} into memory, checks that lookups work and that the file did
     * not change while it was read.
     *
     * <p>Risk: the operator's file is never memory-mapped. A mapped file that is rewritten in place
     * ({@code cp} over it) changes under the reader, which then faults inside the JVM
     * ({@code InternalError}) or decodes garbage; a private heap copy cannot change. The price is
     * the file's size in heap per generation (twice that for a moment during a reload).
     *
     * @param identity the file's identity taken just before this call
     * @throws GeoIpDatabaseException naming the path and what is wrong; a {@link FileChangingException}
     *         when the file changed while it was read (it is being written: try again later)
     */
    static DatabaseGeneration openFile(Path path, FileIdentity identity, GeoIpOptions options, LocationResolver resolver,
                                       LongAdder lookupFailures) {
        String source = path.toString();
        if (identity.isMissing()) {
            throw new GeoIpDatabaseException("GeoIP database " + source + " does not exist");
        }
        if (!Files.isRegularFile(path)) {
            throw new GeoIpDatabaseException("GeoIP database " + source + " is not a regular file");
        }
        if (!Files.isReadable(path)) {
            throw new GeoIpDatabaseException("GeoIP database " + source + " is not readable");
        }
        Reader reader;
        try {
            reader = new Reader(path.toFile(), Reader.FileMode.MEMORY, new CHMCache());
        } catch (IOException | RuntimeException e) {
            checkUnchanged(path, identity);
            throw unusable(source, e);
        }
        DatabaseGeneration generation;
        try {
            generation = validated(reader, source, identity, options, resolver, lookupFailures);
        } catch (GeoIpDatabaseException e) {
            checkUnchanged(path, identity);
            throw e;
        }
        try {
            checkUnchanged(path, identity);
        } catch (FileChangingException e) {
            generation.retire();
            throw e;
        }
        return generation;
    }

    /** Throws {@link FileChangingException} when the file at {@code path} is no longer {@code before}. */
    private static void checkUnchanged(Path path, FileIdentity before) {
        FileIdentity after;
        try {
            after = FileIdentity.of(path);
        } catch (IOException e) {
            after = FileIdentity.UNREADABLE;
        }
        if (!after.equals(before)) {
            throw new FileChangingException("GeoIP database " + path + " changed while it was being read (size "
                    + before.size() + " -> " + after.size() + " bytes): it is still being written");
        }
    }

    /**
     * Reads the classpath resource {@code resource} into memory and checks that lookups work.
     *
     * @throws GeoIpDatabaseException when the resource is missing or unusable
     */
    static DatabaseGeneration openResource(String resource, GeoIpOptions options, LocationResolver resolver,
                                           LongAdder lookupFailures) {
        String source = GeoIpOptions.BUNDLED;
        Reader reader;
        try (InputStream in = DatabaseGeneration.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new GeoIpDatabaseException(
                        "GeoIP database " + source + " is missing: classpath resource " + resource + " not found");
            }
            reader = new Reader(in, new CHMCache());
        } catch (IOException | RuntimeException e) {
            if (e instanceof GeoIpDatabaseException known) {
                throw known;
            }
            throw unusable(source, e);
        }
        return validated(reader, source, null, options, resolver, lookupFailures);
    }

    private static DatabaseGeneration validated(Reader reader, String source, @Nullable FileIdentity identity, GeoIpOptions options,
                                                LocationResolver resolver, LongAdder lookupFailures) {
        Metadata metadata;
        boolean located = false;
        try {
            metadata = reader.getMetadata();
            if (metadata.ipVersion() != 4 && metadata.ipVersion() != 6) {
                throw new InvalidDatabaseException("ip_version must be 4 or 6, but was " + metadata.ipVersion());
            }
            located = hasLocation(reader.get(PROBE, GeoRecord.class));
            Networks<GeoRecord> networks = reader.networks(false, GeoRecord.class);
            for (int i = 0; i < VALIDATED_RECORDS && networks.hasNext(); i++) {
                located |= hasLocation(networks.next().data());
            }
            located = located || locatesSomewhere(networks);
        } catch (IOException | InvalidNetworkException e) {
            closeQuietly(reader);
            throw unusable(source, e);
        } catch (RuntimeException e) {
            // the file is well-formed, but its records do not decode into the fields this library reads
            closeQuietly(reader);
            throw new GeoIpDatabaseException("GeoIP database " + source + " has records in an unsupported schema"
                    + " (expected MaxMind City/Country, DB-IP or ip-location-db fields): " + oneLine(e), e);
        }
        if (!located) {
            closeQuietly(reader);
            throw new GeoIpDatabaseException("GeoIP database " + source + " (type '" + metadata.databaseType()
                    + "') holds no location data: none of its first " + LOCATION_PROBE_RECORDS
                    + " records has a country or coordinates; use a City or Country database, not an ASN, ISP"
                    + " or other non-location one");
        }
        DatabaseInfo info = new DatabaseInfo(source, metadata.databaseType(), metadata.buildTime(),
                metadata.ipVersion(), options.clock().instant());
        return new DatabaseGeneration(reader, info, identity, resolver, options.cacheSize(), lookupFailures);
    }

    /**
     * Reads on past the validated records, up to {@link #LOCATION_PROBE_RECORDS}, for one that has
     * a country or coordinates. A record there that does not decode ends the search without
     * failing: lookups answer such records "not found", and the database is judged by the others.
     */
    private static boolean locatesSomewhere(Networks<GeoRecord> networks) {
        try {
            for (int i = VALIDATED_RECORDS; i < LOCATION_PROBE_RECORDS && networks.hasNext(); i++) {
                if (hasLocation(networks.next().data())) {
                    return true;
                }
            }
        } catch (RuntimeException e) {
            log.debug("GeoIP location probe stopped at a record that does not decode: {}", oneLine(e));
        }
        return false;
    }

    private static boolean hasLocation(@Nullable GeoRecord record) {
        return record != null
                && (record.anyCountryCode() != null || (record.anyLatitude() != null && record.anyLongitude() != null));
    }

    DatabaseInfo info() {
        return info;
    }

    /** The identity of the file this generation was read from; {@code null} for a classpath resource. */
    @Nullable FileIdentity identity() {
        return identity;
    }

    /** Takes a reference for one lookup; false when the generation is already closed. */
    boolean tryAcquire() {
        for (int count = references.get(); count > 0; count = references.get()) {
            if (references.compareAndSet(count, count + 1)) {
                return true;
            }
        }
        return false;
    }

    /** Gives back a reference taken by {@link #tryAcquire()}; the last one closes the reader. */
    void release() {
        if (references.decrementAndGet() == 0) {
            readerClosed = true;
            if (cache != null) {
                cache.invalidateAll();
            }
            closeQuietly(reader);
        }
    }

    /** Drops the owner's reference: the reader closes once the lookups in flight are done. */
    void retire() {
        if (retired.compareAndSet(false, true)) {
            release();
        }
    }

    boolean isReaderClosed() {
        return readerClosed;
    }

    /** Looks up an address already passed through {@link Addresses#canonical}; call between acquire and release. */
    GeoLocation locate(InetAddress canonical) {
        if (info.ipVersion() == 4 && !(canonical instanceof Inet4Address)) {
            // MaxMind's reader would walk the IPv4 tree with the IPv6 address's bits and answer nonsense
            return GeoLocation.notFound();
        }
        return cache == null ? lookUp(canonical) : cache.get(canonical, this::lookUp);
    }

    private GeoLocation lookUp(InetAddress address) {
        try {
            return resolver.resolve(reader.get(address, GeoRecord.class));
        } catch (IOException | RuntimeException | InternalError e) {
            // InternalError: a fault reading memory the JVM mapped. Files are read into the heap, so this
            // should never happen; if it does, it costs this answer, not the request.
            lookupFailures.increment();
            // one warning per generation: a damaged data section would otherwise log once per address
            if (lookupFailureLogged.compareAndSet(false, true)) {
                log.warn("GeoIP lookup in {} failed, answering not found for such addresses: {}", info.source(),
                        oneLine(e));
            } else {
                log.debug("GeoIP lookup of {} in {} failed: {}", address.getHostAddress(), info.source(), oneLine(e));
            }
            return GeoLocation.notFound();
        }
    }

    static String oneLine(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        return message.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    private static GeoIpDatabaseException unusable(String source, Throwable e) {
        return new GeoIpDatabaseException("GeoIP database " + source + " is not a usable MaxMind DB file: " + oneLine(e), e);
    }

    private static void closeQuietly(Reader reader) {
        try {
            reader.close();
        } catch (IOException | RuntimeException e) {
            log.debug("closing a GeoIP reader failed: {}", oneLine(e));
        }
    }
}
