package io.meridian.gateway.region;

import io.meridian.region.RegionSpec;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the gateway's regions come from. Precedence: {@code meridian.regions} (Spring
 * configuration) when it lists any region, else {@code meridian.regions-file}, else the bundled
 * {@code regions.yml} with us-east, eu-central and ap-southeast on this machine's ports 9001-9003.
 *
 * <p>The {@code regions} line comes before {@code regionsFile}: the configuration processor reads a
 * record's {@code @param} lines by name prefix, and would otherwise describe {@code regions} with the
 * text of {@code regionsFile}.
 *
 * @param regions       regions given directly in Spring configuration, e.g. {@code meridian.regions[0].id=us-east}
 * @param regionsFile   path of a regions.yml file (its format: docs/operations.md, "Regions")
 * @param zones         residency zones for {@code meridian.regions}; default us, eu, apac
 * @param defaultRegion region for clients whose location is unknown when {@code meridian.regions} is used
 */
@ConfigurationProperties(RegionsProperties.PREFIX)
public record RegionsProperties(
        @Nullable String regionsFile,
        @DefaultValue List<RegionSpec> regions,
        @Nullable List<String> zones,
        @Nullable String defaultRegion) {

    public static final String PREFIX = "meridian";
}
