package io.meridian.taskserver.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.taskserver.testsupport.TestRegion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/** With {@code meridian.logging.include-prompts} on, a task's line carries its prompt and answer, cut to size. */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        TestRegion.PROPERTY,
        "meridian.model.backend=simulated",
        "meridian.logging.include-prompts=true",
        "meridian.logging.prompt-chars=40",
        "logging.structured.format.console=ecs"})
@AutoConfigureWebTestClient
class PromptLoggingTests {

    @Autowired
    private WebTestClient client;

    @Test
    void theOperatorMayLogPrompts(CapturedOutput output) {
        client.post().uri("/process").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"query\": \"Tell me about Ruritania, a small kingdom somewhere in Europe\"}")
                .exchange()
                .expectStatus().isOk();

        JsonNode line = OllamaTracingTests.taskLine(output, "");
        assertThat(line.path("prompt").asString()).isEqualTo("Tell me about Ruritania, a small kingdom…");
        assertThat(line.path("answer").asString()).isNotEmpty().hasSizeLessThanOrEqualTo(41);
    }
}
