package io.meridian.gateway.routing;

import org.springframework.test.context.DynamicPropertyRegistry;

/** The three WireMock regions of {@link WireMockRegions}, for tests outside this package. */
public final class WireMockRegionsAccess implements AutoCloseable {

    private final WireMockRegions regions = new WireMockRegions();

    public void register(DynamicPropertyRegistry registry) {
        regions.register(registry);
    }

    public int totalRequests() {
        return regions.totalRequests();
    }

    @Override
    public void close() {
        regions.close();
    }
}
