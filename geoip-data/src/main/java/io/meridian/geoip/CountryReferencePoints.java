package io.meridian.geoip;

import io.meridian.region.GeoPoint;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One point per country: where that country's internet users are, on average. A database that
 * names only a country places the address there.
 *
 * <p>The bundled table ({@value #BUNDLED_RESOURCE}) is weighted by IPv4 address count, so the
 * point sits where the addresses are, not at the geometric centre: Russia's is in European Russia,
 * not Siberia. Its header says how it was made; {@code ATTRIBUTION.md} next to it names the source.
 *
 * <p>CSV format: lines starting with {@code #} are comments, then the header
 * {@code country,latitude,longitude,weight}, then one row per ISO 3166-1 alpha-2 code.
 */
public final class CountryReferencePoints {

    /** Classpath location of the bundled table. */
    public static final String BUNDLED_RESOURCE = "meridian/geoip/country-points.csv";

    static final String HEADER = "country,latitude,longitude,weight";

    private static final Pattern ISO2 = Pattern.compile("[A-Z]{2}");

    private final Map<String, GeoPoint> points;

    private CountryReferencePoints(Map<String, GeoPoint> points) {
        this.points = Collections.unmodifiableMap(points);
    }

    /** The table bundled with this library, read once. */
    public static CountryReferencePoints bundled() {
        return Bundled.INSTANCE;
    }

    /**
     * Reads a table in the bundled format.
     *
     * @throws IllegalArgumentException naming the file and line when a row is malformed
     * @throws UncheckedIOException     when the file cannot be read
     */
    public static CountryReferencePoints load(Path csv) {
        try (BufferedReader reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            return parse(reader, csv.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read country reference points " + csv + ": " + e.getMessage(), e);
        }
    }

    /** The reference point of the country with ISO 3166-1 alpha-2 code {@code iso2}, in any case. */
    public Optional<GeoPoint> pointOf(String iso2) {
        return Optional.ofNullable(points.get(iso2.toUpperCase(Locale.ROOT)));
    }

    /** How many countries have a point. */
    public int size() {
        return points.size();
    }

    /** The codes that have a point, in alphabetical order. */
    public Set<String> countryCodes() {
        return points.keySet();
    }

    static CountryReferencePoints parse(BufferedReader reader, String source) throws IOException {
        Map<String, GeoPoint> points = new TreeMap<>();
        boolean headerSeen = false;
        int lineNumber = 0;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            lineNumber++;
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            if (!headerSeen) {
                if (!trimmed.equals(HEADER)) {
                    throw malformed(source, lineNumber, "expected the header '" + HEADER + "', but was '" + trimmed + "'");
                }
                headerSeen = true;
                continue;
            }
            String[] fields = trimmed.split(",", -1);
            if (fields.length != 4) {
                throw malformed(source, lineNumber, "expected 4 fields, but was '" + trimmed + "'");
            }
            String code = fields[0];
            if (!ISO2.matcher(code).matches()) {
                throw malformed(source, lineNumber, "country must be two upper-case letters, but was '" + code + "'");
            }
            GeoPoint point;
            try {
                point = new GeoPoint(Double.parseDouble(fields[1]), Double.parseDouble(fields[2]));
                Long.parseLong(fields[3]);
            } catch (IllegalArgumentException e) {
                throw malformed(source, lineNumber, e.getMessage());
            }
            if (points.put(code, point) != null) {
                throw malformed(source, lineNumber, "country '" + code + "' appears twice");
            }
        }
        if (!headerSeen) {
            throw new IllegalArgumentException("country reference points " + source + " have no header '" + HEADER + "'");
        }
        return new CountryReferencePoints(points);
    }

    private static IllegalArgumentException malformed(String source, int line, @Nullable String what) {
        return new IllegalArgumentException("country reference points " + source + " line " + line + ": " + what);
    }

    /** Holder idiom: the bundled table is read on first use, once, without locking afterwards. */
    private static final class Bundled {

        static final CountryReferencePoints INSTANCE = read();

        private static CountryReferencePoints read() {
            InputStream in = CountryReferencePoints.class.getClassLoader().getResourceAsStream(BUNDLED_RESOURCE);
            if (in == null) {
                throw new IllegalStateException("classpath resource " + BUNDLED_RESOURCE + " is missing from this build");
            }
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                return parse(reader, "classpath:" + BUNDLED_RESOURCE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read classpath resource " + BUNDLED_RESOURCE, e);
            }
        }
    }
}
