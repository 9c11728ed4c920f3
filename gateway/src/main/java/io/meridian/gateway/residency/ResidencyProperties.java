package io.meridian.gateway.residency;

import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Data-residency rules.
 *
 * @param headerEnabled whether clients may confine their own request with {@code X-Meridian-Residency: <zone>}
 * @param countries     operator rules: zone → ISO 3166-1 alpha-2 country codes whose clients must be served
 *                      only in that zone, e.g. {@code meridian.residency.countries.eu=DE,FR,IT}
 */
@ConfigurationProperties(ResidencyProperties.PREFIX)
public record ResidencyProperties(
        @DefaultValue("true") boolean headerEnabled,
        @DefaultValue Map<String, List<String>> countries) {

    public static final String PREFIX = "meridian.residency";
}
