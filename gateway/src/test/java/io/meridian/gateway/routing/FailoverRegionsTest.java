package io.meridian.gateway.routing;

import io.meridian.gateway.failover.RegionGuards;
import io.meridian.gateway.health.HealthRegistry;
import io.meridian.gateway.health.LoadReport;
import io.meridian.region.Region;
import io.meridian.region.RegionCatalog;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Base of the failover tests against the WireMock regions: the gateway's health view, circuit
 * breakers, catalog and meters at hand, and every region healthy with its circuit closed before
 * each test. Health checks do not run on a schedule in these tests (their subclasses set
 * {@code meridian.health.interval=0s}); a test that needs a region down reports failed checks
 * itself, as the checker would.
 */
public abstract class FailoverRegionsTest extends RegionsIntegrationTest {

    /** A client address the bundled GeoIP database places in Germany: eu-central, us-east, ap-southeast. */
    protected static final String GERMANY = "80.133.1.1";

    /** Healthy checks recorded per endpoint before each test: more than any failure threshold set here. */
    private static final int HEALTHY_CHECKS = 5;

    @Autowired
    protected HealthRegistry health;

    @Autowired
    protected RegionGuards guards;

    @Autowired
    protected RegionCatalog catalog;

    @Autowired
    protected MeterRegistry meters;

    @BeforeEach
    void everyRegionHealthyWithItsCircuitClosed() {
        for (Region region : catalog.regions()) {
            guards.circuit(region).reset();
            for (int i = 0; i < HEALTHY_CHECKS; i++) {
                region.endpoints().forEach(endpoint -> health.recordCheck(endpoint, true, LoadReport.NONE));
            }
        }
    }
}
