package io.meridian.bench;

import io.meridian.gateway.client.CidrBlock;
import io.meridian.gateway.client.ClientIp;
import io.meridian.gateway.client.ClientIpResolver;
import io.meridian.gateway.client.ForwardingHeader;
import io.meridian.gateway.routing.RegionRouter;
import io.meridian.gateway.routing.RoutingDecision;
import io.meridian.geoip.GeoIpDatabase;
import io.meridian.geoip.GeoIpOptions;
import io.meridian.geoip.GeoLocation;
import io.meridian.region.GeoPoint;
import io.meridian.region.ProximityRanking;
import io.meridian.region.RankedRegion;
import io.meridian.region.RegionCatalog;
import io.meridian.region.RegionsFile;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The gateway's per-request geo path: parse the client address out of X-Forwarded-For behind a
 * trusted proxy, look it up in the bundled GeoIP database, and rank the three default regions.
 *
 * <p>{@code addresses} distinct public IPv4 addresses (seeded, spread over the whole address
 * space) are cycled through. With {@code cacheSize=0} every lookup reads the database; with the
 * default cache the working set fits and lookups are cache hits, as for returning clients.
 *
 * <p>Run: {@code bin/jmh GeoPathBenchmark} (builds first; see docs/benchmarks.md), or after
 * {@code ./mvnw -DskipTests package}:
 * {@code java -cp load-tests/target/classes:$(cat load-tests/target/benchmark.classpath) org.openjdk.jmh.Main GeoPathBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GeoPathBenchmark {

    @Param({"0", "100000"})
    public long cacheSize;

    @Param({"4096"})
    public int addresses;

    private GeoIpDatabase database;
    private ClientIpResolver resolver;
    private RegionRouter router;
    private ProximityRanking ranking;
    private InetAddress[] parsed;
    private GeoPoint[] points;
    private List<String>[] headers;
    private final InetSocketAddress peer = new InetSocketAddress(InetAddress.getLoopbackAddress(), 50_000);
    private int next;

    @Setup(Level.Trial)
    @SuppressWarnings("unchecked")
    public void setUp() throws Exception {
        database = GeoIpDatabase.open(new GeoIpOptions(GeoIpOptions.BUNDLED, cacheSize, Duration.ZERO,
                java.time.Clock.systemUTC()));
        RegionCatalog catalog;
        try (InputStream in = RegionRouter.class.getClassLoader().getResourceAsStream("regions.yml")) {
            catalog = RegionCatalog.from(RegionsFile.parse(in, "regions.yml"));
        }
        resolver = new ClientIpResolver(List.of(CidrBlock.parse("127.0.0.0/8")), ForwardingHeader.X_FORWARDED_FOR, 64);
        ranking = new ProximityRanking(catalog);
        router = new RegionRouter(database, ranking, 10_000);
        SplittableRandom random = new SplittableRandom(42);
        headers = new List[addresses];
        for (int i = 0; i < addresses; i++) {
            int first;
            do {
                first = 1 + random.nextInt(223);
            } while (first == 10 || first == 127 || first == 100 || first == 169 || first == 172 || first == 192);
            headers[i] = List.of(first + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256));
        }
        parsed = new InetAddress[addresses];
        points = new GeoPoint[addresses];
        for (int i = 0; i < addresses; i++) {
            parsed[i] = resolver.resolve(peer, headers[i]).address();
            GeoPoint point = database.locate(parsed[i]).point();
            // Spread over the globe even where the database has no location for an address.
            points[i] = point != null ? point : new GeoPoint(random.nextDouble(-80, 80), random.nextDouble(-180, 180));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        database.close();
    }

    @Benchmark
    public RoutingDecision clientIpLookupAndRanking() {
        List<String> header = headers[next];
        next = (next + 1) & (addresses - 1);
        ClientIp client = resolver.resolve(peer, header);
        return router.decide(client);
    }

    /** The database alone: one lookup of an address already parsed (a cache hit with the default cache). */
    @Benchmark
    public GeoLocation geoIpLookupOnly() {
        InetAddress address = parsed[next];
        next = (next + 1) & (addresses - 1);
        return database.locate(address);
    }

    /**
     * The geodesic ranking alone (three regions, Karney's inverse problem on WGS84 for each), for a
     * client already located: the work the router's ranking cache saves on all but a location's
     * first request.
     */
    @Benchmark
    public List<RankedRegion> rankingOnly() {
        GeoPoint point = points[next];
        next = (next + 1) & (addresses - 1);
        return ranking.rank(point);
    }

    @Benchmark
    public ClientIp clientIpOnly() {
        List<String> header = headers[next];
        next = (next + 1) & (addresses - 1);
        return resolver.resolve(peer, header);
    }
}
