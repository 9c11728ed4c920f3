package io.meridian.gateway.routing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Three WireMock servers standing in for the task servers of us-east, eu-central and
 * ap-southeast. Each answers every request like a task server would, naming its region.
 */
public final class WireMockRegions implements AutoCloseable {

    private static WireMockRegions shared;

    /** One set of regions for the whole test JVM, stopped when it exits; each test resets it. */
    public static synchronized WireMockRegions shared() {
        if (shared == null) {
            shared = new WireMockRegions();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    static final String[][] REGIONS = {
            {"us-east", "40.7128", "-74.0060", "us"},
            {"eu-central", "50.1109", "8.6821", "eu"},
            {"ap-southeast", "1.3521", "103.8198", "apac"},
    };

    /** Where the gateway's active health checks ask each region for its readiness. */
    static final String HEALTH_PATH = "/readyz";

    final Map<String, WireMockServer> servers = new LinkedHashMap<>();

    WireMockRegions() {
        for (String[] region : REGIONS) {
            // A fixed port, so that a region stopped by a test comes back where the gateway expects it.
            WireMockServer server = new WireMockServer(wireMockConfig().port(freePort()).bindAddress("127.0.0.1"));
            server.start();
            servers.put(region[0], server);
        }
        resetToHealthy();
    }

    /** Every region answers 200 with a task-server-shaped body naming itself. */
    public void resetToHealthy() {
        servers.forEach((id, server) -> {
            if (!server.isRunning()) {
                server.start(); // same port: a test that stopped it may not have restarted it
            }
            server.resetAll();
            server.stubFor(any(anyUrl()).willReturn(aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withHeader("X-Meridian-Region", id)
                    .withBody("{\"region\":\"" + id + "\",\"answer\":\"ok\",\"model\":\"simulated\",\"backend\":\"simulated\"}")));
        });
    }

    static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    /** Every region's server. */
    public java.util.Collection<WireMockServer> servers() {
        return servers.values();
    }

    public WireMockServer get(String id) {
        return servers.get(id);
    }

    void register(DynamicPropertyRegistry registry) {
        for (int i = 0; i < REGIONS.length; i++) {
            String[] region = REGIONS[i];
            WireMockServer server = servers.get(region[0]);
            String prefix = "meridian.regions[" + i + "].";
            registry.add(prefix + "id", () -> region[0]);
            registry.add(prefix + "latitude", () -> region[1]);
            registry.add(prefix + "longitude", () -> region[2]);
            registry.add(prefix + "zone", () -> region[3]);
            // The configured port, not server.port(): a region an earlier test class left stopped has
            // it too, and is started again before each test (resetToHealthy).
            registry.add(prefix + "endpoints[0]", () -> "http://127.0.0.1:" + server.getOptions().portNumber());
        }
        registry.add("meridian.default-region", () -> "us-east");
        // The dashboard polls only when a test asks it to (DashboardAggregator.pollOnce).
        registry.add("meridian.dashboard.poll-interval", () -> "1h");
        registry.add("meridian.dashboard.history", () -> "2h");
    }

    /** Paths of the dashboard's background polls of every region (queues, and latest failures). */
    static final String[] DASHBOARD_PATHS = {"/v1/queues", "/v1/tasks?limit="};

    /** Requests the regions received from clients, not counting the gateway's health checks and dashboard polls. */
    public int totalRequests() {
        return servers.values().stream().mapToInt(WireMockRegions::clientRequests).sum();
    }

    /** Requests one region received from clients, not counting the gateway's health checks and dashboard polls. */
    static int clientRequests(WireMockServer server) {
        return (int) server.getAllServeEvents().stream()
                .filter(event -> !isBackground(event.getRequest().getUrl()))
                .count();
    }

    /** Whether the gateway itself sent the request: a health check or a dashboard poll. */
    static boolean isBackground(String url) {
        if (url.startsWith(HEALTH_PATH)) {
            return true;
        }
        for (String path : DASHBOARD_PATHS) {
            if (url.startsWith(path)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        servers.values().forEach(WireMockServer::stop);
    }
}
