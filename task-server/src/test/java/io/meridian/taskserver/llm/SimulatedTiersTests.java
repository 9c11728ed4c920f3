package io.meridian.taskserver.llm;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.taskserver.testsupport.TestRegion;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.ollama.OllamaChatModel;
import org.springframework.ai.ollama.api.OllamaApi;
import org.springframework.ai.ollama.api.OllamaChatOptions;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Two simulated tiers told apart by their models' names, as the local stack runs them (its
 * arguments, given here as bin/meridian gives them): the simple tier answers as simulated, the
 * complex one as simulated-large, each with a pace of its own, and the real models' names qwen3 and
 * qwen3:14b are their aliases, never the names an answer gives; and such a task server serving as
 * another region's model server, called by Spring AI's Ollama and OpenAI clients as a region's tiers
 * call it, without any of the gateway's headers.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        TestRegion.PROPERTY,
        "meridian.model.backend=simulated",
        "meridian.model.simulated.latency=0ms",
        "meridian.model.tiers.complex.simulated.latency=10ms",
        "meridian.model.aliases.gpt-4o-mini=simple" }, args = {
        "--meridian.model.simulated.model=" + SimulatedTiersTests.SMALL,
        "--meridian.model.tiers.complex.model=" + SimulatedTiersTests.LARGE,
        "--meridian.model.tiers.complex.simulated.model=" + SimulatedTiersTests.LARGE,
        "--meridian.model.aliases.qwen3=simple",
        // A map key with a colon keeps it only in the bracket form.
        "--meridian.model.aliases[qwen3:14b]=complex" })
@AutoConfigureWebTestClient
class SimulatedTiersTests {

    static final String SMALL = "simulated";

    static final String LARGE = "simulated-large";

    @LocalServerPort
    private int port;

    private WebTestClient client;

    @Autowired
    void client(WebTestClient client) {
        this.client = client.mutate().responseTimeout(Duration.ofSeconds(30)).build();
    }

    private WebTestClient.BodyContentSpec process(String kind) {
        return client.post().uri("/process").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"query\": \"Which tier?\", \"kind\": \"" + kind + "\"}")
                .exchange().expectStatus().isOk().expectBody();
    }

    @Test
    void eachSimulatedTierAnswersUnderItsOwnModelNameAndSaysItIsSimulated() {
        process("simple").jsonPath("$.model").isEqualTo(SMALL)
                .jsonPath("$.backend").isEqualTo("simulated")
                .jsonPath("$.answer").value(answer -> assertThat((String) answer).contains("no model was called"));
        process("complex").jsonPath("$.model").isEqualTo(LARGE)
                .jsonPath("$.backend").isEqualTo("simulated")
                .jsonPath("$.answer").value(answer -> assertThat((String) answer).contains("no model was called"));
    }

    @Test
    void modelsListsEachTiersNameAsAModelAndTheRealModelsNamesAsItsAliases() {
        client.get().uri("/v1/models").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.data[?(@.id == 'simulated')].meridian.kind").isEqualTo("model")
                .jsonPath("$.data[?(@.id == 'simulated')].owned_by").isEqualTo("simulated")
                .jsonPath("$.data[?(@.id == 'simulated-large')].meridian.kind").isEqualTo("model")
                .jsonPath("$.data[?(@.id == 'simulated-large')].meridian.queue").isEqualTo("complex")
                .jsonPath("$.data[?(@.id == 'qwen3')].meridian.kind").isEqualTo("alias")
                .jsonPath("$.data[?(@.id == 'qwen3')].meridian.model").isEqualTo(SMALL)
                .jsonPath("$.data[?(@.id == 'qwen3:14b')].meridian.kind").isEqualTo("alias")
                .jsonPath("$.data[?(@.id == 'qwen3:14b')].meridian.aliasOf").isEqualTo("complex")
                .jsonPath("$.data[?(@.id == 'qwen3:14b')].meridian.model").isEqualTo(LARGE);
    }

    @Test
    void aChatAskingForTheRealModelsNamesIsAnsweredByTheirSimulatedTiersUnderTheTiersNames() {
        chat("qwen3").jsonPath("$.model").isEqualTo(SMALL)
                .jsonPath("$.meridian.queue").isEqualTo("simple")
                .jsonPath("$.meridian.backend").isEqualTo("simulated");
        chat("qwen3:14b").jsonPath("$.model").isEqualTo(LARGE)
                .jsonPath("$.meridian.queue").isEqualTo("complex")
                .jsonPath("$.meridian.backend").isEqualTo("simulated");
    }

    @Test
    void anOllamaChatAskingForQwen3IsAnsweredBySimulated() {
        client.post().uri("/api/chat").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\": \"qwen3\", \"stream\": false, "
                        + "\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}")
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.model").isEqualTo(SMALL)
                .jsonPath("$.message.content").value(answer -> assertThat((String) answer).contains("no model was called"));
    }

    @Test
    void everyLineOfAStreamedAnswerToTheComplexAliasNamesTheComplexTiersModel() {
        String ndjson = client.post().uri("/api/chat").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\": \"qwen3:14b\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}")
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(ndjson).isNotNull();
        assertThat(ndjson.lines().toList()).hasSizeGreaterThan(2)
                .allSatisfy(line -> assertThat(line).contains("\"model\":\"" + LARGE + "\""));

        String events = client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\": \"qwen3:14b\", \"stream\": true, "
                        + "\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}")
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(events).isNotNull();
        assertThat(events.lines().filter(line -> line.startsWith("data:") && line.contains("{")).toList()).hasSizeGreaterThan(2)
                .allSatisfy(line -> assertThat(line).contains("\"model\":\"" + LARGE + "\""));
    }

    private WebTestClient.BodyContentSpec chat(String model) {
        return client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\": \"" + model + "\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}")
                .exchange().expectStatus().isOk().expectBody();
    }

    @Test
    void aChatAskingForAnAliasIsAnsweredUnderTheTiersNameNeverTheNameAskedFor() {
        chat("gpt-4o-mini").jsonPath("$.model").isEqualTo(SMALL)
                .jsonPath("$.meridian.backend").isEqualTo("simulated");
    }

    @Test
    void answersSpringAisOllamaClientAsARegionsOllamaTierCallsIt() {
        OllamaChatModel ollama = OllamaChatModel.builder()
                .ollamaApi(OllamaApi.builder().baseUrl("http://127.0.0.1:" + port).build())
                .options(OllamaChatOptions.builder().model(SMALL).build())
                .build();

        ChatResponse answer = ollama.call(new Prompt("Hello from a region"));

        assertThat(answer.getMetadata().getModel()).isEqualTo(SMALL);
        assertThat(answer.getResult().getOutput().getText()).contains("region " + TestRegion.ID)
                .contains("no model was called").contains("Hello from a region");
    }

    @Test
    void answersSpringAisOpenAiClientAsARegionsOpenAiTierCallsIt() {
        OpenAiChatModel openAi = OpenAiChatModel.builder()
                .options(OpenAiChatOptions.builder().baseUrl("http://127.0.0.1:" + port + "/v1").apiKey("none")
                        .model(LARGE).maxRetries(0).build())
                .build();

        ChatResponse answer = openAi.call(new Prompt("Hello from a region"));

        assertThat(answer.getMetadata().getModel()).isEqualTo(LARGE);
        assertThat(answer.getResult().getOutput().getText()).contains("no model was called")
                .contains("Hello from a region");
    }
}
