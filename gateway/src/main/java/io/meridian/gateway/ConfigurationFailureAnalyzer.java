package io.meridian.gateway;

import io.meridian.geoip.GeoIpDatabaseException;
import io.meridian.region.RegionConfigException;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/**
 * Turns Meridian's configuration errors into Spring Boot's start-up failure report: the one-line
 * message that names the file or property, the field and the value, and what to do, instead of a
 * stack trace.
 */
class ConfigurationFailureAnalyzer implements FailureAnalyzer {

    @Override
    public @Nullable FailureAnalysis analyze(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RegionConfigException ex) {
                return new FailureAnalysis(ex.getMessage(),
                        "Fix the region configuration (meridian.regions-file or meridian.regions) and start again.", ex);
            }
            if (t instanceof GeoIpDatabaseException ex) {
                return new FailureAnalysis(ex.getMessage(),
                        "Point meridian.geoip.database at a readable MaxMind-format (.mmdb) file, or use 'bundled'.", ex);
            }
            if (t instanceof GatewayConfigException ex) {
                return new FailureAnalysis(ex.getMessage(), "Correct " + ex.property() + " and start again.", ex);
            }
        }
        return null;
    }
}
