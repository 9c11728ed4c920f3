package io.meridian.gateway.residency;

import io.meridian.region.RankedRegion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Decides which residency zone, if any, a request is confined to, and confines the candidate list.
 *
 * <p>Design note: two sources can confine a request. The operator's country rules
 * ({@code meridian.residency.countries}) bind every client located in a listed country; the
 * {@value #HEADER} header lets a client (or a tenant's proxy) ask for a zone itself. Both are
 * constraints, never preferences: when both apply and name different zones no region can satisfy
 * them, so the request is refused (400) instead of one silently winning. Confinement happens
 * before health, load and failover are considered, so failover can only ever move a request
 * within its zone; when no region of the zone can serve, the answer is a 503 naming the zone.
 *
 * <p>A client whose location is unknown is not bound by country rules (there is no country to
 * match); the header still applies.
 */
public final class ResidencyPolicy {

    /** Request header naming the residency zone a client requires, e.g. {@code eu}. */
    public static final String HEADER = "X-Meridian-Residency";

    private final Set<String> zones;
    private final Map<String, String> zoneByCountry;
    private final boolean headerEnabled;

    /**
     * @throws IllegalArgumentException naming the zone or country that is wrong
     */
    public ResidencyPolicy(Set<String> zones, Map<String, List<String>> countriesByZone, boolean headerEnabled) {
        this.zones = Set.copyOf(zones);
        this.headerEnabled = headerEnabled;
        Map<String, String> byCountry = new HashMap<>();
        countriesByZone.forEach((zone, countries) -> {
            if (!zones.contains(zone)) {
                throw new IllegalArgumentException("zone '" + zone + "' is not one of the declared zones " + zones);
            }
            for (String raw : countries) {
                String country = raw.strip().toUpperCase(Locale.ROOT);
                if (!country.matches("[A-Z]{2}")) {
                    throw new IllegalArgumentException("zone '" + zone + "' lists '" + raw
                            + "', which is not an ISO 3166-1 alpha-2 country code");
                }
                String previous = byCountry.put(country, zone);
                if (previous != null && !previous.equals(zone)) {
                    throw new IllegalArgumentException("country " + country + " is listed in two zones, '" + previous
                            + "' and '" + zone + "'");
                }
            }
        });
        this.zoneByCountry = Map.copyOf(byCountry);
    }

    /**
     * The zone a request is confined to, or {@code null} when it may be served anywhere.
     *
     * @param headerValue the {@value #HEADER} header, if the request has one
     * @param countryCode the client's country, if known
     * @throws ResidencyViolationException for an unknown zone or conflicting rules
     */
    public @Nullable String zoneFor(@Nullable String headerValue, @Nullable String countryCode) {
        String byCountry = countryCode == null ? null : zoneByCountry.get(countryCode);
        String byHeader = null;
        if (headerEnabled && headerValue != null) {
            String requested = headerValue.strip().toLowerCase(Locale.ROOT);
            if (!zones.contains(requested)) {
                throw new ResidencyViolationException(HEADER + " must name one of the residency zones " + zones.stream().sorted().toList()
                        + ", but was '" + excerpt(headerValue) + "'");
            }
            byHeader = requested;
        }
        if (byHeader != null && byCountry != null && !byHeader.equals(byCountry)) {
            throw new ResidencyViolationException(HEADER + " asks for zone '" + byHeader + "', but clients in "
                    + countryCode + " must be served in zone '" + byCountry + "'");
        }
        return byHeader != null ? byHeader : byCountry;
    }

    /** The candidates inside {@code zone}, in their order; all of them when {@code zone} is null. */
    public static List<RankedRegion> confine(List<RankedRegion> candidates, @Nullable String zone) {
        if (zone == null) {
            return candidates;
        }
        List<RankedRegion> inZone = new ArrayList<>(candidates.size());
        for (RankedRegion candidate : candidates) {
            if (candidate.region().zone().equals(zone)) {
                inZone.add(candidate);
            }
        }
        return inZone;
    }

    public Set<String> zones() {
        return zones;
    }

    private static String excerpt(String value) {
        String shown = value.length() > 40 ? value.substring(0, 40) + "..." : value;
        return shown.replaceAll("[^\\x20-\\x7E]", "?");
    }
}
