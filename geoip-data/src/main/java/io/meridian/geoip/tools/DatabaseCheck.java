package io.meridian.geoip.tools;

import io.meridian.geoip.CountryReferencePoints;
import io.meridian.geoip.DatabaseInfo;
import io.meridian.geoip.GeoIpDatabase;
import io.meridian.geoip.GeoIpOptions;
import io.meridian.geoip.GeoLocation;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Proves that a database file is fit to bundle or deploy: it opens the way the gateway opens it,
 * well-known addresses are located in it, and every country it can answer with has a reference
 * point.
 *
 * <p>A database that does not open fails with its {@link io.meridian.geoip.GeoIpDatabaseException} message.
 *
 * <p>Usage: {@code DatabaseCheck <database.mmdb> [<country-points.csv>]}; without the CSV the
 * bundled reference points are checked. Exit status 0 when fit, 1 when not, 2 on bad arguments.
 */
public final class DatabaseCheck {

    /** Addresses of long-standing, stable allocations: public DNS resolvers. */
    private static final List<String> PROBES = List.of("8.8.8.8", "1.1.1.1", "2001:4860:4860::8888");

    private DatabaseCheck() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length < 1 || args.length > 2) {
            err.println("usage: DatabaseCheck <database.mmdb> [<country-points.csv>]");
            return 2;
        }
        Path database = Path.of(args[0]);
        List<String> problems = new ArrayList<>();
        GeoIpOptions options = GeoIpOptions.forFile(database).withReloadInterval(Duration.ZERO).withCacheSize(0);
        try (GeoIpDatabase geoIp = GeoIpDatabase.open(options)) {
            DatabaseInfo info = geoIp.info();
            out.println("database type " + info.databaseType() + ", built " + info.buildTime() + ", IPv" + info.ipVersion());
            for (String probe : PROBES) {
                InetAddress address = InetAddress.getByName(probe); // literals only: never resolved
                if (info.ipVersion() == 4 && address.getAddress().length == 16) {
                    continue;
                }
                GeoLocation location = geoIp.locate(address);
                out.println(probe + " -> " + location);
                if (!location.isKnown()) {
                    problems.add(probe + " is not located");
                }
            }
            CountryReferencePoints points = args.length == 2
                    ? CountryReferencePoints.load(Path.of(args[1]))
                    : CountryReferencePoints.bundled();
            SortedSet<String> countries = DatabaseCountries.of(database);
            SortedSet<String> uncovered = new TreeSet<>(countries);
            uncovered.removeAll(points.countryCodes());
            out.println(countries.size() + " countries in the database, " + points.size() + " reference points");
            if (!uncovered.isEmpty()) {
                problems.add("no reference point for " + String.join(" ", uncovered)
                        + " (run tools/refresh-geoip.sh --points, or extend tools/country-points-supplement.csv)");
            }
        } catch (IOException | RuntimeException e) {
            problems.add(e.getMessage() == null ? e.toString() : e.getMessage());
        }
        if (problems.isEmpty()) {
            out.println("OK");
            return 0;
        }
        problems.forEach(problem -> err.println("FAILED: " + problem));
        return 1;
    }
}
