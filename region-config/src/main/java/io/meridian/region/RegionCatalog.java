package io.meridian.region;

import io.meridian.protocol.RegionId;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The validated, immutable set of regions a gateway routes to.
 *
 * <p>{@link #from(RegionsSpec)} is the only way in: it checks every field of every region and
 * stops at the first mistake with a {@link RegionConfigException} whose one-line message names
 * the source, region, field and value. A catalog that exists is therefore always usable: ids are
 * unique and follow the protocol's {@link RegionId} rule (the one the gateway routes task ids by),
 * coordinates are on the globe, every region has at least one http(s) endpoint and names
 * a declared residency zone, and the default region exists.
 */
public final class RegionCatalog {

    /** Zones known when the configuration declares none. */
    public static final List<String> DEFAULT_ZONES = List.of("us", "eu", "apac");

    /** Capacity of a region that does not state one. */
    public static final int DEFAULT_CAPACITY = 1000;

    /** Residency zone names: the same form as region ids, though they name no region. */
    private static final Pattern ZONE = Pattern.compile(RegionId.PATTERN);
    private static final double MAX_BIAS_KM = 40_000;

    private final List<Region> regions;
    private final Map<String, Region> byId;
    private final Set<String> zones;
    private final Region defaultRegion;

    private RegionCatalog(List<Region> regions, Set<String> zones, Region defaultRegion) {
        this.regions = List.copyOf(regions);
        Map<String, Region> index = new LinkedHashMap<>();
        for (Region region : regions) {
            index.put(region.id(), region);
        }
        this.byId = Map.copyOf(index);
        this.zones = Set.copyOf(zones);
        this.defaultRegion = defaultRegion;
    }

    /**
     * Validates an operator's configuration.
     *
     * @throws RegionConfigException naming the first wrong field
     */
    public static RegionCatalog from(RegionsSpec spec) {
        String source = spec.source();
        Set<String> zones = validateZones(source, spec.zones());
        List<RegionSpec> specs = spec.regions();
        if (specs == null || specs.isEmpty()) {
            throw new RegionConfigException(source + ": no regions are configured; at least one is required");
        }
        List<Region> regions = new ArrayList<>(specs.size());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < specs.size(); i++) {
            Region region = validate(source, i, specs.get(i), zones);
            if (!seen.add(region.id())) {
                throw new RegionConfigException(source + ": region '" + region.id() + "' id is a duplicate: regions["
                        + i + "] uses an id that an earlier region already has");
            }
            regions.add(region);
        }
        Region defaultRegion = regions.getFirst();
        if (spec.defaultRegion() != null) {
            defaultRegion = regions.stream()
                    .filter(r -> r.id().equals(spec.defaultRegion()))
                    .findFirst()
                    .orElseThrow(() -> new RegionConfigException(source + ": default-region must name a configured region "
                            + regions.stream().map(Region::id).toList() + ", but was '" + spec.defaultRegion() + "'"));
        }
        return new RegionCatalog(regions, zones, defaultRegion);
    }

    private static Set<String> validateZones(String source, @Nullable List<String> declared) {
        if (declared == null) {
            return new LinkedHashSet<>(DEFAULT_ZONES);
        }
        if (declared.isEmpty()) {
            throw new RegionConfigException(source + ": zones must list at least one residency zone, but was empty");
        }
        Set<String> zones = new LinkedHashSet<>();
        for (String zone : declared) {
            if (zone == null || !ZONE.matcher(zone).matches()) {
                throw new RegionConfigException(source + ": zones entries must be lowercase names like 'eu', but one was '"
                        + zone + "'");
            }
            zones.add(zone);
        }
        return zones;
    }

    private static Region validate(String source, int index, @Nullable RegionSpec spec, Set<String> zones) {
        if (spec == null) {
            throw new RegionConfigException(source + ": regions[" + index + "] is empty");
        }
        String id = spec.id();
        if (id == null || id.isBlank()) {
            throw new RegionConfigException(source + ": regions[" + index + "] id is required");
        }
        String where = source + ": region '" + id + "' ";
        if (!RegionId.isValid(id)) {
            throw new RegionConfigException(where + "id must be lowercase letters, digits and dashes, starting with a letter, but was '"
                    + id + "'");
        }
        Double latitude = spec.latitude();
        if (latitude == null) {
            throw new RegionConfigException(where + "latitude is required");
        }
        if (!(latitude >= -90 && latitude <= 90)) {
            throw new RegionConfigException(where + "latitude must be within [-90, 90], but was " + latitude);
        }
        Double longitude = spec.longitude();
        if (longitude == null) {
            throw new RegionConfigException(where + "longitude is required");
        }
        if (!(longitude >= -180 && longitude <= 180)) {
            throw new RegionConfigException(where + "longitude must be within [-180, 180], but was " + longitude);
        }
        List<String> rawEndpoints = spec.endpoints();
        if (rawEndpoints == null || rawEndpoints.isEmpty()) {
            throw new RegionConfigException(where + "endpoints must list at least one URL, but was empty");
        }
        List<URI> endpoints = new ArrayList<>(rawEndpoints.size());
        Set<URI> distinct = new HashSet<>();
        for (int e = 0; e < rawEndpoints.size(); e++) {
            URI uri = endpoint(where + "endpoints[" + e + "] ", rawEndpoints.get(e));
            if (!distinct.add(uri)) {
                throw new RegionConfigException(where + "endpoints[" + e + "] is listed twice: '" + uri + "'");
            }
            endpoints.add(uri);
        }
        double bias = spec.bias() == null ? 0 : spec.bias();
        if (!(Math.abs(bias) <= MAX_BIAS_KM)) {
            throw new RegionConfigException(where + "bias must be within [-" + (int) MAX_BIAS_KM + ", " + (int) MAX_BIAS_KM
                    + "] km, but was " + bias);
        }
        int capacity = spec.capacity() == null ? DEFAULT_CAPACITY : spec.capacity();
        if (capacity < 1) {
            throw new RegionConfigException(where + "capacity must be at least 1, but was " + capacity);
        }
        String zone = spec.zone();
        if (zone == null || zone.isBlank()) {
            throw new RegionConfigException(where + "zone is required; one of " + zones);
        }
        if (!zones.contains(zone)) {
            throw new RegionConfigException(where + "zone must be one of the declared zones " + zones + ", but was '" + zone + "'");
        }
        String name = spec.name() == null || spec.name().isBlank() ? id : spec.name();
        return new Region(id, name, new GeoPoint(latitude, longitude), endpoints, bias, capacity, zone);
    }

    private static URI endpoint(String where, @Nullable String raw) {
        if (raw == null || raw.isBlank()) {
            throw new RegionConfigException(where + "must be an http(s) URL, but was empty");
        }
        URI uri;
        try {
            uri = new URI(raw.strip());
        } catch (URISyntaxException ex) {
            throw new RegionConfigException(where + "must be an http(s) URL, but was '" + raw + "' (" + ex.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new RegionConfigException(where + "must be an http(s) URL, but was '" + raw + "'");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new RegionConfigException(where + "must name a host, but was '" + raw + "'");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new RegionConfigException(where + "must be a base URL without user info, query or fragment, but was '" + raw + "'");
        }
        String path = uri.getRawPath();
        if (path != null && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        try {
            return new URI(scheme, null, uri.getHost(), uri.getPort(), path == null || path.isEmpty() ? null : path, null, null);
        } catch (URISyntaxException ex) {
            throw new RegionConfigException(where + "must be an http(s) URL, but was '" + raw + "'", ex);
        }
    }

    /** All regions, in configuration order. */
    public List<Region> regions() {
        return regions;
    }

    /** The region that serves clients whose location is unknown. */
    public Region defaultRegion() {
        return defaultRegion;
    }

    /** The declared residency zones. */
    public Set<String> zones() {
        return zones;
    }

    public Optional<Region> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public int size() {
        return regions.size();
    }
}
