package io.meridian.gateway.path;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.gateway.GatewayApplication;
import io.meridian.gateway.routing.RawHttp;
import io.meridian.gateway.routing.WireMockRegions;
import io.meridian.gateway.tenant.ApiKeys;
import io.meridian.testing.PathSpellings;
import io.meridian.testing.PathSpellings.Spelling;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Generated spellings of the gateway's paths, sent over a socket to a running gateway with API keys
 * required and a management port of its own: each is refused with 400 or meets every check the
 * plain path meets (401 without a key, the admin token on actuator), never neither; with a key the
 * region receives exactly the plain path.
 */
class CanonicalPathPropertyTests {

    static final String KEY = "property-key";
    static final String ADMIN_TOKEN = "property-admin-token";
    static final WireMockRegions regions = WireMockRegions.shared();

    static ConfigurableApplicationContext gateway;
    static int port;
    static int managementPort;

    @BeforeContainer
    static void startGateway() {
        regions.resetToHealthy();
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--management.server.port=0",
                "--meridian.health.enabled=false",
                "--meridian.auth.anonymous=false",
                "--meridian.auth.tenants[0].id=property",
                "--meridian.auth.tenants[0].keys-sha256[0]=" + ApiKeys.sha256(KEY),
                "--meridian.admin.token-sha256=" + ApiKeys.sha256(ADMIN_TOKEN),
                // The limit still runs on every request; it is set where a few hundred do not reach it.
                "--meridian.rate-limit.requests-per-second=100000",
                "--meridian.rate-limit.burst=100000",
                "--meridian.dashboard.poll-interval=1h",
                "--meridian.dashboard.history=2h",
                "--meridian.default-region=us-east"));
        String[][] known = {{"us-east", "40.7", "-74.0", "us"}, {"eu-central", "50.1", "8.7", "eu"}, {"ap-southeast", "1.35", "103.8", "apac"}};
        for (int i = 0; i < known.length; i++) {
            args.add("--meridian.regions[" + i + "].id=" + known[i][0]);
            args.add("--meridian.regions[" + i + "].latitude=" + known[i][1]);
            args.add("--meridian.regions[" + i + "].longitude=" + known[i][2]);
            args.add("--meridian.regions[" + i + "].zone=" + known[i][3]);
            args.add("--meridian.regions[" + i + "].endpoints[0]=http://127.0.0.1:" + regions.get(known[i][0]).port());
        }
        gateway = new SpringApplicationBuilder(GatewayApplication.class).run(args.toArray(String[]::new));
        port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
        managementPort = Integer.parseInt(gateway.getEnvironment().getRequiredProperty("local.management.port"));
    }

    @AfterContainer
    static void stopGateway() {
        if (gateway != null) {
            gateway.close();
        }
    }

    static String get(int to, String rawPath, String authorization) throws IOException {
        return RawHttp.exchange(to, "GET " + rawPath + " HTTP/1.1\r\nHost: gateway\r\n"
                + (authorization.isEmpty() ? "" : "Authorization: " + authorization + "\r\n")
                + "X-Forwarded-For: 8.8.8.8\r\nConnection: close\r\n\r\n");
    }

    static int status(String answer) {
        return Integer.parseInt(answer.substring("HTTP/1.1 ".length(), "HTTP/1.1 ".length() + 3));
    }

    /** A refusal is allowed only for a spelling that may be refused, and is then a 400 (JSON when a filter wrote it). */
    static boolean refused(Spelling spelling, String answer) {
        if (status(answer) != 400) {
            return false;
        }
        assertThat(spelling.mustBeAccepted()).as("refused %s:%n%s", spelling, answer).isFalse();
        if (answer.contains("{")) {
            assertThat(answer).satisfiesAnyOf(
                    meridian -> assertThat(meridian).contains("\"error\":\"invalid_path\"").contains("\"field\":\"path\""),
                    openAi -> assertThat(openAi).contains("\"code\":\"invalid_path\"").contains("\"param\":\"path\""));
        }
        return true;
    }

    @Property(tries = 250)
    void anApiSpellingWithoutAKeyIsRefusedOrMeetsTheKeyCheck(@ForAll("apiSpellings") Spelling spelling) throws IOException {
        String answer = get(port, spelling.raw(), "");
        if (!refused(spelling, answer)) {
            assertThat(status(answer)).as("%s:%n%s", spelling, answer).isEqualTo(401);
            // Meridian's error body, or OpenAI's on the OpenAI routes.
            assertThat(answer).containsAnyOf("\"error\":\"missing_api_key\"", "\"code\":\"missing_api_key\"");
        }
    }

    @Property(tries = 250)
    void anApiSpellingWithAKeyReachesTheRegionAsThePlainPath(@ForAll("apiSpellings") Spelling spelling) throws IOException {
        regions.servers().forEach(server -> server.resetRequests());
        String answer = get(port, spelling.raw(), "Bearer " + KEY);
        if (refused(spelling, answer)) {
            assertThat(regions.totalRequests()).isZero();
            return;
        }
        assertThat(status(answer)).as("%s:%n%s", spelling, answer).isEqualTo(200);
        assertThat(regions.servers().stream().flatMap(server -> server.getAllServeEvents().stream())
                .map(event -> event.getRequest().getUrl()).filter(url -> !url.startsWith("/readyz")))
                .as(spelling.toString()).containsExactly(spelling.plain());
    }

    @Property(tries = 250)
    void anActuatorSpellingIsRefusedOrNeedsTheAdminToken(@ForAll("actuatorSpellings") Spelling spelling) throws IOException {
        String answer = get(managementPort, spelling.raw(), "");
        if (!refused(spelling, answer)) {
            assertThat(status(answer)).as("%s:%n%s", spelling, answer).isEqualTo(401);
            assertThat(answer).contains("\"error\":\"unauthorized\"");
        }
    }

    @Provide
    Arbitrary<Spelling> apiSpellings() {
        return spellings(PathSpellings.PLAIN.stream().filter(path -> !path.startsWith("/actuator")).toList());
    }

    @Provide
    Arbitrary<Spelling> actuatorSpellings() {
        return spellings(PathSpellings.PLAIN.stream().filter(path -> path.startsWith("/actuator")).toList());
    }

    private static Arbitrary<Spelling> spellings(List<String> plain) {
        return Combinators.combine(Arbitraries.of(plain), Arbitraries.longs()).as(PathSpellings::of);
    }
}
