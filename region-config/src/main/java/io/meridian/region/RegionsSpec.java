package io.meridian.region;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The whole region configuration as written by an operator, before validation.
 *
 * @param source        where it came from, for error messages (a file name or {@code spring configuration})
 * @param zones         the residency zones regions may name; {@code null} means {@link RegionCatalog#DEFAULT_ZONES}
 * @param defaultRegion region for clients whose location is unknown; {@code null} means the first region
 * @param regions       the regions, in the operator's order
 */
public record RegionsSpec(
        String source,
        @Nullable List<String> zones,
        @Nullable String defaultRegion,
        @Nullable List<RegionSpec> regions) {
}
