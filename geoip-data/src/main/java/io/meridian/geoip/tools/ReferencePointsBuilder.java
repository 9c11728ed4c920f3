package io.meridian.geoip.tools;

import com.maxmind.db.InvalidNetworkException;
import com.maxmind.db.Network;
import com.maxmind.db.Networks;
import com.maxmind.db.Reader;
import io.meridian.geoip.internal.GeoRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Builds {@code country-points.csv}, one reference point per country, from a city database
 * (DB-IP Lite as published by ip-location-db, or any MaxMind-format city database).
 *
 * <p>Design note. What: for every IPv4 network the database places, the network's coordinates
 * count once per address in it (a /16 weighs 65,536, a /24 256); per country the weighted unit
 * vectors (3-D Cartesian, so that averaging works across the antimeridian and near the poles) are
 * summed, normalised and turned back into latitude and longitude. Why: a country-only lookup
 * should land where that country's users are, and addresses follow users far better than area
 * does: Russia's point lands in European Russia and the United States' in the east, where a
 * geometric centroid would put them in Siberia and Kansas. Trade-off: address counts favour
 * countries' hosting hubs and IPv4-heavy operators, and IPv6 is left out because its address
 * counts (a /32 per operator) say nothing about users. The result is a routing hint, not a census.
 *
 * <p>Countries the bundled country database can return but the city database has no IPv4 address
 * for (uninhabited territories, retired codes) get a hand-maintained point from the supplement
 * file, written with weight 0; any country still without a point fails the build.
 *
 * <p>Usage: {@code ReferencePointsBuilder <city.mmdb> <output.csv> [--require-countries
 * <country.mmdb>] [--supplement <supplement.csv>] [--source <description>]}. Exit status 0 when
 * the file was written, 1 when a required country has no point (nothing written), 2 on bad
 * arguments or unreadable input.
 */
public final class ReferencePointsBuilder {

    static final String HEADER = "country,latitude,longitude,weight";

    private static final Pattern ISO2 = Pattern.compile("[A-Z]{2}");

    private final Clock clock;
    private final PrintStream out;
    private final PrintStream err;

    ReferencePointsBuilder(Clock clock, PrintStream out, PrintStream err) {
        this.clock = clock;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(new ReferencePointsBuilder(Clock.systemUTC(), System.out, System.err).run(args));
    }

    int run(String[] args) {
        Arguments arguments;
        try {
            arguments = Arguments.parse(args);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println("usage: ReferencePointsBuilder <city.mmdb> <output.csv>"
                    + " [--require-countries <country.mmdb>] [--supplement <supplement.csv>] [--source <description>]");
            return 2;
        }
        try {
            return build(arguments);
        } catch (IOException | RuntimeException e) {
            err.println("cannot build reference points: " + e);
            return 2;
        }
    }

    private int build(Arguments arguments) throws IOException {
        Aggregate aggregate = aggregate(arguments.cityDatabase());
        SortedMap<String, Row> rows = new TreeMap<>();
        aggregate.countries().forEach((code, sum) -> rows.put(code, sum.toRow(code)));
        out.printf(Locale.ROOT, "%d countries from %,d IPv4 addresses in %,d networks; skipped %,d networks"
                        + " (%,d addresses) without a country or coordinates%n",
                rows.size(), aggregate.addresses(), aggregate.networks(), aggregate.skippedNetworks(),
                aggregate.skippedAddresses());

        SortedSet<String> required = arguments.requiredCountries() == null
                ? new TreeSet<>()
                : DatabaseCountries.of(arguments.requiredCountries());
        SortedSet<String> missing = new TreeSet<>(required);
        missing.removeAll(rows.keySet());
        if (!missing.isEmpty()) {
            out.println("no IPv4 address in the city database for: " + String.join(" ", missing));
        }
        List<String> supplemented = new ArrayList<>();
        if (arguments.supplement() != null) {
            Map<String, Row> supplement = readSupplement(arguments.supplement());
            for (String code : missing) {
                Row row = supplement.get(code);
                if (row != null) {
                    rows.put(code, row);
                    supplemented.add(code);
                }
            }
            missing.removeAll(supplemented);
        }
        if (!supplemented.isEmpty()) {
            out.println("taken from the supplement with weight 0: " + String.join(" ", supplemented));
        }
        if (!missing.isEmpty()) {
            err.println("no reference point for " + String.join(" ", missing)
                    + ": add them to the supplement file; nothing written");
            return 1;
        }
        write(arguments, rows, supplemented);
        out.println("wrote " + rows.size() + " reference points to " + arguments.output());
        return 0;
    }

    /** Sums every IPv4 network's unit vector, weighted by its address count, per country. */
    static Aggregate aggregate(Path cityDatabase) throws IOException {
        Aggregate aggregate = new Aggregate();
        try (Reader reader = new Reader(cityDatabase.toFile())) {
            Network allOfIpv4 = new Network(InetAddress.getByAddress(new byte[4]), 0);
            Networks<GeoRecord> networks = reader.networksWithin(allOfIpv4, false, GeoRecord.class);
            while (networks.hasNext()) {
                var network = networks.next();
                int prefix = Math.clamp(network.network().prefixLength(), 0, 32);
                aggregate.add(network.data(), 1L << (32 - prefix));
            }
        } catch (InvalidNetworkException impossible) {
            throw new IllegalStateException("0.0.0.0/0 is always a valid network", impossible);
        }
        return aggregate;
    }

    private void write(Arguments arguments, SortedMap<String, Row> rows, List<String> supplemented) throws IOException {
        Path output = arguments.output();
        Path parent = output.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        // a sibling, so that the final rename is atomic; not createTempFile, whose 0600 mode would stick
        Path temporary = parent.resolve(output.getFileName() + ".tmp");
        try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
            String source = arguments.source() == null ? arguments.cityDatabase().getFileName().toString() : arguments.source();
            writer.write("# Meridian country reference points: where each country's internet users are, on average.\n");
            writer.write("# Source: " + source + "\n");
            writer.write("# Method: every IPv4 network in the source weighs its address count; per country the\n");
            writer.write("#   weighted mean of the networks' unit vectors (3-D Cartesian), normalised, back to lat/lon.\n");
            writer.write("#   weight = the country's IPv4 address count in the source.\n");
            if (!supplemented.isEmpty()) {
                writer.write("# Weight 0: no IPv4 address in the source; point from tools/country-points-supplement.csv\n");
                writer.write("#   (" + String.join(" ", supplemented) + ").\n");
            }
            writer.write("# Generated: " + LocalDate.now(clock) + " by io.meridian.geoip.tools.ReferencePointsBuilder\n");
            writer.write(HEADER + "\n");
            for (Map.Entry<String, Row> entry : rows.entrySet()) {
                Row row = entry.getValue();
                writer.write(String.format(Locale.ROOT, "%s,%.4f,%.4f,%d%n", entry.getKey(), row.latitude(),
                        row.longitude(), row.weight()));
            }
        }
        Files.move(temporary, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reads {@code country,latitude,longitude,note} rows; {@code #} starts a comment line. */
    static Map<String, Row> readSupplement(Path file) throws IOException {
        Map<String, Row> rows = new TreeMap<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int number = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                number++;
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("country,")) {
                    continue;
                }
                String[] fields = trimmed.split(",", 4);
                if (fields.length < 3 || !ISO2.matcher(fields[0]).matches()) {
                    throw new IllegalArgumentException(file + " line " + number + ": expected country,latitude,longitude,note");
                }
                double latitude = Double.parseDouble(fields[1]);
                double longitude = Double.parseDouble(fields[2]);
                if (!(Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180)) {
                    throw new IllegalArgumentException(file + " line " + number + ": coordinates out of range");
                }
                rows.put(fields[0], new Row(latitude, longitude, 0));
            }
        }
        return rows;
    }

    record Row(double latitude, double longitude, long weight) {
    }

    /** Running sums for all countries. */
    static final class Aggregate {

        private final Map<String, VectorSum> countries = new TreeMap<>();
        private long networks;
        private long addresses;
        private long skippedNetworks;
        private long skippedAddresses;

        void add(@Nullable GeoRecord record, long weight) {
            networks++;
            String code = record == null ? null : record.anyCountryCode();
            Number latitude = record == null ? null : record.anyLatitude();
            Number longitude = record == null ? null : record.anyLongitude();
            if (code == null || latitude == null || longitude == null
                    || (latitude.doubleValue() == 0 && longitude.doubleValue() == 0)) {
                skippedNetworks++;
                skippedAddresses += weight;
                return;
            }
            String upper = code.strip().toUpperCase(Locale.ROOT);
            if (!ISO2.matcher(upper).matches()) {
                skippedNetworks++;
                skippedAddresses += weight;
                return;
            }
            addresses += weight;
            countries.computeIfAbsent(upper, c -> new VectorSum()).add(latitude.doubleValue(), longitude.doubleValue(), weight);
        }

        Map<String, VectorSum> countries() {
            return countries;
        }

        long networks() {
            return networks;
        }

        long addresses() {
            return addresses;
        }

        long skippedNetworks() {
            return skippedNetworks;
        }

        long skippedAddresses() {
            return skippedAddresses;
        }
    }

    /** A weighted sum of unit vectors on the sphere. */
    static final class VectorSum {

        private double x;
        private double y;
        private double z;
        private long weight;
        private double heaviestLatitude;
        private double heaviestLongitude;
        private long heaviestWeight = -1;

        void add(double latitude, double longitude, long w) {
            double phi = Math.toRadians(latitude);
            double lambda = Math.toRadians(longitude);
            x += w * Math.cos(phi) * Math.cos(lambda);
            y += w * Math.cos(phi) * Math.sin(lambda);
            z += w * Math.sin(phi);
            weight += w;
            if (w > heaviestWeight) {
                heaviestWeight = w;
                heaviestLatitude = latitude;
                heaviestLongitude = longitude;
            }
        }

        Row toRow(String code) {
            double length = Math.sqrt(x * x + y * y + z * z);
            if (length < 1e-9 * weight) {
                // the addresses cancel out (spread evenly round the globe): no mean direction, so
                // fall back to the single heaviest network rather than an arbitrary point
                return new Row(heaviestLatitude, heaviestLongitude, weight);
            }
            double latitude = Math.toDegrees(Math.atan2(z, Math.hypot(x, y)));
            double longitude = Math.toDegrees(Math.atan2(y, x));
            return new Row(latitude, longitude, weight);
        }
    }

    private record Arguments(Path cityDatabase, Path output, @Nullable Path requiredCountries,
                             @Nullable Path supplement, @Nullable String source) {

        static Arguments parse(String[] args) {
            List<String> positional = new ArrayList<>();
            Path required = null;
            Path supplement = null;
            String source = null;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--require-countries" -> required = Path.of(value(args, ++i, "--require-countries"));
                    case "--supplement" -> supplement = Path.of(value(args, ++i, "--supplement"));
                    case "--source" -> source = value(args, ++i, "--source");
                    default -> {
                        if (args[i].startsWith("--")) {
                            throw new IllegalArgumentException("unknown option " + args[i]);
                        }
                        positional.add(args[i]);
                    }
                }
            }
            if (positional.size() != 2) {
                throw new IllegalArgumentException("expected <city.mmdb> <output.csv>, but got " + positional);
            }
            return new Arguments(Path.of(positional.get(0)), Path.of(positional.get(1)), required, supplement, source);
        }

        private static String value(String[] args, int index, String option) {
            if (index >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[index];
        }
    }
}
