package io.meridian.gateway.routing;

import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Base of the gateway tests that run against the three WireMock regions ({@link WireMockRegions}):
 * registers them as the gateway's regions, resets them to healthy before every test and offers a
 * client bound to the gateway's random port. Subclasses add {@code @SpringBootTest} with their own
 * properties.
 */
public abstract class RegionsIntegrationTest {

    protected static final WireMockRegions regions = WireMockRegions.shared();

    @DynamicPropertySource
    static void wireMockRegions(DynamicPropertyRegistry registry) {
        regions.register(registry);
    }

    @LocalServerPort
    protected int port;

    protected WebTestClient client;

    @BeforeEach
    void resetRegionsAndClient() {
        regions.resetToHealthy();
        client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(20)).build();
    }
}
