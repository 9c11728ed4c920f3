package io.meridian.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The local stack's two model tiers on model servers of their own ({@code MERIDIAN_MODEL_SERVERS=on}),
 * as a user runs them: {@code model-cpu} answers each region's simple tier as {@code simulated} over
 * Ollama's API, {@code model-gpu} the complex tier as {@code simulated-large} over OpenAI's, and the
 * complex tier falls back to the simple one. The real models' names, {@code qwen3} and
 * {@code qwen3:14b}, are the tiers' aliases: asked for, they are answered under the tier's own name.
 * Every call goes through the gateway. One region (eu-central) and in-memory queues keep the stack
 * at four JVMs.
 *
 * <p>The tests run in order, on one stack: each tier answers; {@code bin/meridian kill model-gpu}
 * and a request for {@code qwen3:14b} is answered by {@code simulated}, marked degraded with
 * {@code simulated-large} (what the alias stands for) asked for; {@code bin/meridian start model-gpu}
 * and {@code simulated-large} answers again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ModelTiersIT {

    static final String SIMPLE_MODEL = "simulated";
    static final String COMPLEX_MODEL = "simulated-large";

    /** The real models' names, the simulated tiers' aliases: a client written for Ollama asks for these. */
    static final String SIMPLE_ALIAS = "qwen3";
    static final String COMPLEX_ALIAS = "qwen3:14b";

    /** Longer than a model server's answer (about 4 s) on a busy machine; within the region's sync wait. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    /** How long a condition that follows a kill or a start may take to hold. */
    static final Duration CONDITION_TIMEOUT = Duration.ofSeconds(90);

    static final HttpClient http = HttpClient.newBuilder().connectTimeout(LocalStack.timeout()).build();
    static final JsonMapper json = JsonMapper.builder().build();
    static LocalStack stack;

    @BeforeAll
    static void startWithModelServers() throws Exception {
        stack = LocalStack.startOneRegion(Map.of("MERIDIAN_MODEL_SERVERS", "on", "MERIDIAN_QUEUES", "memory"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack == null) {
            return;
        }
        List<Long> pids = stack.pids();
        stack.close();
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                    .as("process %d is gone after bin/meridian down", pid).isFalse();
        }
    }

    @Test
    @Order(1)
    void theModelServersRunAsServicesOfTheStack() throws Exception {
        String status = stack.run("status");

        assertThat(status)
                .containsPattern("model-cpu +" + stack.modelServerPorts.get(0) + " +[0-9]+ +running, ready")
                .containsPattern("model-gpu +" + stack.modelServerPorts.get(1) + " +[0-9]+ +running, ready")
                .contains("simple on model-cpu (simulated), complex on model-gpu (simulated-large) falling back to simple");
    }

    @Test
    @Order(2)
    void aSimpleRequestIsAnsweredByTheSimpleTiersModel() throws Exception {
        HttpResponse<String> process = post("/process", "{\"query\":\"Hello simple tier\"}");

        assertThat(process.statusCode()).as(process.body()).isEqualTo(200);
        JsonNode answer = json.readTree(process.body());
        assertThat(answer.path("model").asString()).isEqualTo(SIMPLE_MODEL);
        assertThat(answer.path("backend").asString()).isEqualTo("ollama");
        assertThat(answer.path("answer").asString()).contains("model-cpu").contains("Hello simple tier");

        JsonNode chat = chat(null, "Hello again");
        assertThat(chat.path("model").asString()).isEqualTo(SIMPLE_MODEL);
        assertThat(chat.path("meridian").path("queue").asString()).isEqualTo("simple");
        assertThat(chat.path("meridian").path("degraded").asBoolean()).isFalse();

        JsonNode alias = chat(SIMPLE_ALIAS, "Hello from ChatOllama");
        assertThat(alias.path("model").asString()).as("the alias's answer names the tier's model").isEqualTo(SIMPLE_MODEL);
        assertThat(alias.path("meridian").path("queue").asString()).isEqualTo("simple");
    }

    @Test
    @Order(3)
    void aComplexRequestIsAnsweredByTheComplexTiersModel() throws Exception {
        JsonNode chat = chat(COMPLEX_MODEL, "Hello complex tier");

        assertThat(chat.path("model").asString()).isEqualTo(COMPLEX_MODEL);
        assertThat(chat.path("meridian").path("queue").asString()).isEqualTo("complex");
        assertThat(chat.path("meridian").path("backend").asString()).isEqualTo("openai");
        assertThat(chat.path("meridian").path("degraded").asBoolean()).isFalse();
        assertThat(content(chat)).contains("model-gpu");

        HttpResponse<String> process = post("/process", "{\"query\":\"Hello complex kind\",\"kind\":\"complex\"}");
        assertThat(process.statusCode()).as(process.body()).isEqualTo(200);
        assertThat(json.readTree(process.body()).path("model").asString()).isEqualTo(COMPLEX_MODEL);

        JsonNode alias = chat(COMPLEX_ALIAS, "Hello by the real model's name");
        assertThat(alias.path("model").asString()).as("the alias's answer names the tier's model").isEqualTo(COMPLEX_MODEL);
        assertThat(alias.path("meridian").path("queue").asString()).isEqualTo("complex");
        assertThat(alias.path("meridian").path("backend").asString()).isEqualTo("openai");
    }

    @Test
    @Order(4)
    void embeddingsAreAnsweredByModelCpusEmbeddingModel() throws Exception {
        HttpResponse<String> response = post("/v1/embeddings", "{\"input\":[\"first text\",\"second text\"]}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = json.readTree(response.body());
        assertThat(answer.path("model").asString()).isEqualTo("simulated-embedding");
        assertThat(answer.path("data")).hasSize(2);
        assertThat(answer.path("data").get(0).path("embedding").size()).isPositive();
        assertThat(answer.path("usage").path("prompt_tokens").asLong()).isPositive();
    }

    @Test
    @Order(5)
    void withModelGpuKilledAComplexRequestIsAnsweredByTheSimpleTierMarkedDegraded() throws Exception {
        assertThat(stack.run("kill", "model-gpu")).contains("model-gpu killed");
        assertThat(stack.run("status")).containsPattern("model-gpu +" + stack.modelServerPorts.get(1) + " +- +stopped");

        JsonNode chat = await().atMost(CONDITION_TIMEOUT).pollInterval(Duration.ofSeconds(1))
                .until(() -> chat(COMPLEX_ALIAS, "Hello without a GPU"),
                        answer -> answer.path("meridian").path("degraded").asBoolean());

        // Asked for by its alias, the complex tier was asked for its own model: that is what the answer says was requested.
        assertThat(chat.path("model").asString()).isEqualTo(SIMPLE_MODEL);
        assertThat(chat.path("meridian").path("requestedModel").asString()).isEqualTo(COMPLEX_MODEL);
        assertThat(chat.path("meridian").path("queue").asString()).isEqualTo("complex");
        assertThat(chat.path("meridian").path("backend").asString()).isEqualTo("ollama");
        assertThat(content(chat)).contains("model-cpu");

        // The task's own result says the same, read back through the gateway by the task's id.
        String taskId = chat.path("meridian").path("taskId").asString();
        HttpResponse<String> task = get("/v1/tasks/" + taskId);
        assertThat(task.statusCode()).as(task.body()).isEqualTo(200);
        JsonNode result = json.readTree(task.body()).path("result");
        assertThat(result.path("model").asString()).isEqualTo(SIMPLE_MODEL);
        assertThat(result.path("degraded").asBoolean()).isTrue();
        assertThat(result.path("requestedModel").asString()).isEqualTo(COMPLEX_MODEL);
    }

    @Test
    @Order(6)
    void modelGpuStartedAgainAnswersComplexRequestsOnceMore() throws Exception {
        assertThat(stack.run("start", "model-gpu")).contains("model-gpu ready on :" + stack.modelServerPorts.get(1));

        JsonNode chat = await().atMost(CONDITION_TIMEOUT).pollInterval(Duration.ofSeconds(1))
                .until(() -> chat(COMPLEX_MODEL, "Hello GPU, back again"),
                        answer -> COMPLEX_MODEL.equals(answer.path("model").asString()));

        assertThat(chat.path("meridian").path("degraded").asBoolean()).isFalse();
        assertThat(chat.path("meridian").path("backend").asString()).isEqualTo("openai");
        assertThat(content(chat)).contains("model-gpu");
    }

    /** A chat completion through the gateway, non-streamed; {@code model} null lets the classifier choose. */
    static JsonNode chat(String model, String question) throws Exception {
        String body = "{" + (model == null ? "" : "\"model\":\"" + model + "\",")
                + "\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}]}";
        HttpResponse<String> response = post("/v1/chat/completions", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    static String content(JsonNode chat) {
        return chat.path("choices").path(0).path("message").path("content").asString();
    }

    static HttpResponse<String> post(String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(stack.baseUrl() + path))
                .timeout(CALL_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(stack.baseUrl() + path)).timeout(CALL_TIMEOUT).GET()
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
