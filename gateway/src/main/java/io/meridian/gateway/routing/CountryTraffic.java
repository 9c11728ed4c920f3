package io.meridian.gateway.routing;

import io.meridian.geoip.CountryReferencePoints;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Requests per client country since the gateway started, for the dashboard's map.
 *
 * <p>Design note: the set of keys is fixed at construction, one counter per ISO 3166-1 alpha-2
 * code the bundled reference points know (about 250) plus {@value #UNKNOWN}; a code outside that
 * set counts as unknown, so neither memory nor the dashboard's answer can grow with what clients
 * or a replaced GeoIP database bring. Counting is one lookup in an immutable map and one
 * {@link LongAdder} increment: no allocation and no contention on the request path.
 */
public final class CountryTraffic {

    /** The key for clients the GeoIP database could not place, and for codes outside the set. */
    public static final String UNKNOWN = "unknown";

    private final Map<String, LongAdder> counters;

    private final LongAdder unknown = new LongAdder();

    /**
     * A counter for every code in {@code countryCodes}.
     *
     * @param countryCodes upper-case ISO 3166-1 alpha-2 codes
     */
    public CountryTraffic(Set<String> countryCodes) {
        Map<String, LongAdder> all = new LinkedHashMap<>();
        for (String code : countryCodes) {
            all.put(code, new LongAdder());
        }
        this.counters = Map.copyOf(all);
    }

    /** Counters for the countries of the bundled reference points. */
    public static CountryTraffic bundled() {
        return new CountryTraffic(CountryReferencePoints.bundled().countryCodes());
    }

    /**
     * Counts one request.
     *
     * @param countryCode the client's country, {@code null} when unknown
     */
    public void record(@Nullable String countryCode) {
        LongAdder counter = countryCode == null ? null : counters.get(countryCode);
        (counter == null ? unknown : counter).increment();
    }

    /**
     * The countries with at least one request, and {@value #UNKNOWN} when it has any.
     *
     * @return requests by country code
     */
    public Map<String, Long> snapshot() {
        Map<String, Long> counts = new LinkedHashMap<>();
        counters.forEach((code, counter) -> {
            long count = counter.sum();
            if (count > 0) {
                counts.put(code, count);
            }
        });
        long unknownCount = unknown.sum();
        if (unknownCount > 0) {
            counts.put(UNKNOWN, unknownCount);
        }
        return counts;
    }
}
