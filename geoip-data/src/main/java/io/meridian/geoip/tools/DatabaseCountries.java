package io.meridian.geoip.tools;

import com.maxmind.db.InvalidNetworkException;
import com.maxmind.db.Networks;
import com.maxmind.db.Reader;
import io.meridian.geoip.internal.GeoRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SortedSet;
import java.util.TreeSet;

/** The set of country codes a database can answer with, read by walking every network in it. */
final class DatabaseCountries {

    private DatabaseCountries() {
    }

    static SortedSet<String> of(Path database) throws IOException {
        SortedSet<String> codes = new TreeSet<>();
        try (Reader reader = new Reader(database.toFile())) {
            Networks<GeoRecord> networks = reader.networks(false, GeoRecord.class);
            while (networks.hasNext()) {
                GeoRecord record = networks.next().data();
                String code = record == null ? null : record.anyCountryCode();
                if (code != null) {
                    codes.add(code.strip().toUpperCase(Locale.ROOT));
                }
            }
        } catch (InvalidNetworkException impossible) {
            throw new IllegalStateException("the whole address space is always a valid network", impossible);
        }
        return codes;
    }
}
