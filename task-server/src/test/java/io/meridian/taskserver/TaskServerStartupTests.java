package io.meridian.taskserver;

import static io.meridian.taskserver.testsupport.ApiErrorAssertions.assertApiError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.taskserver.testsupport.TestRegion;
import io.meridian.taskserver.web.ApiError;
import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Start-up as an operator sees it: what a bad configuration prints, and what start-up does not need. */
@ExtendWith(OutputCaptureExtension.class)
class TaskServerStartupTests {

    private static ConfigurableApplicationContext start(String... args) {
        return new SpringApplicationBuilder(TaskServerApplication.class)
                .run(concat(new String[] {"--server.port=0", "--spring.main.banner-mode=off"}, args));
    }

    private static String[] concat(String[] first, String[] second) {
        String[] all = new String[first.length + second.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }

    @Test
    void refusesToStartWithoutARegionNamingTheProperty(CapturedOutput output) {
        assertThatThrownBy(() -> start()).isNotNull();

        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("Property: meridian.server.region")
                .contains("Reason: must be set, e.g. --meridian.server.region=us-east")
                .doesNotContain("\tat ");
    }

    @Test
    void refusesToStartWithAMalformedRegionQuotingIt(CapturedOutput output) {
        assertThatThrownBy(() -> start("--meridian.server.region=US East")).isNotNull();

        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("Property: meridian.server.region")
                .contains("must be a lowercase region id such as 'us-east'")
                .contains("but was 'US East'")
                .doesNotContain("\tat ");
    }

    /** The gateway reads a task id's region by the protocol's bounded rule; a longer id could never be routed back. */
    @Test
    void refusesToStartWithARegionIdTheGatewayCouldNotRouteBack(CapturedOutput output) {
        String tooLong = "r".repeat(64);

        assertThatThrownBy(() -> start("--meridian.server.region=" + tooLong)).isNotNull();

        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("Property: meridian.server.region")
                .contains("up to 62 letters, digits or '-'")
                .contains("but was '" + tooLong + "'");
    }

    @Test
    void startsUnderTheOldRegionPropertyNameAndWarnsAboutIt(CapturedOutput output) {
        try (ConfigurableApplicationContext context = start("--meridian.task-server.region=eu-central")) {
            assertThat(context.getBean(TaskServerProperties.class).region()).isEqualTo("eu-central");
        }

        assertThat(output).contains("Property 'meridian.task-server.region' is deprecated: use "
                + "'meridian.server.region' (the old name still works for now)");
    }

    @Test
    void refusesToStartWithAnUnknownBackendListingTheKnownOnes(CapturedOutput output) {
        assertThatThrownBy(() -> start(TestRegion.PROPERTY_ARG, "--meridian.model.backend=olama")).isNotNull();

        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("Property: meridian.model.backend")
                .contains("OLLAMA")
                .contains("SIMULATED")
                .doesNotContain("\tat ");
    }

    @Test
    void refusesToStartWithMoreMinimumThanMaximumWorkersNamingBoth(CapturedOutput output) {
        assertThatThrownBy(() -> start(TestRegion.PROPERTY_ARG, "--meridian.queues.simple.min-workers=9"))
                .isNotNull();

        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("meridian.queues.simple.min-workers must not exceed max-workers (8), but was 9")
                .doesNotContain("\tat ");
    }

    @Test
    void refusesToStartWithTwoQueuesOfTheSameName(CapturedOutput output) {
        assertThatThrownBy(() -> start(TestRegion.PROPERTY_ARG, "--meridian.queues.complex.name=simple"))
                .isNotNull();

        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("meridian.queues.simple.name and meridian.queues.complex.name must differ")
                .doesNotContain("\tat ");
    }

    @Test
    void startsOnOllamaWithoutOllamaAndAnswers502UntilItIsThere() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        // One attempt: the failure is final at once, so /process answers it instead of a retry's 202.
        try (ConfigurableApplicationContext context = start(TestRegion.PROPERTY_ARG, "--meridian.model.backend=ollama",
                "--spring.ai.ollama.base-url=http://127.0.0.1:" + closedPort,
                "--meridian.queues.simple.max-attempts=1")) {
            int port = ((WebServerApplicationContext) context).getWebServer().getPort();
            WebTestClient client = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).build();

            client.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
            assertApiError(client.post().uri("/process").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"query\": \"hello\"}").exchange(), 502, ApiError.MODEL_ERROR, null);
        }
    }
}
