package io.meridian.region;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A region as written by an operator, before validation: every field may be missing or wrong.
 * Both {@code regions.yml} and Spring configuration ({@code meridian.regions[n].*}) produce these.
 *
 * @param id        required; lowercase letters, digits and dashes, starting with a letter
 * @param name      display name; defaults to the id
 * @param latitude  required; degrees within [-90, 90]
 * @param longitude required; degrees within [-180, 180]
 * @param endpoints required; one or more absolute http or https URLs
 * @param bias      kilometres added to the distance when ranking (default 0)
 * @param capacity  in-flight requests before spill-over (default 1000)
 * @param zone      residency zone; must be one of the declared zones
 */
public record RegionSpec(
        @Nullable String id,
        @Nullable String name,
        @Nullable Double latitude,
        @Nullable Double longitude,
        @Nullable List<String> endpoints,
        @Nullable Double bias,
        @Nullable Integer capacity,
        @Nullable String zone) {
}
