package io.meridian.taskserver.task;

import static io.meridian.taskserver.testsupport.ApiErrorAssertions.assertApiError;
import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.taskserver.queue.TaskQueue;
import io.meridian.taskserver.taskapi.TaskService;
import io.meridian.taskserver.testsupport.ScriptedChatBackend;
import io.meridian.taskserver.testsupport.TaskAwait;
import io.meridian.taskserver.testsupport.TestRegion;
import io.meridian.taskserver.web.ApiError;
import io.meridian.taskserver.web.TenantHeaders;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * Tasks belong to the tenant the gateway names in {@value TenantHeaders#TENANT}: over HTTP, another
 * tenant's look-ups, events, cancellations and failure lists answer as if the task did not exist,
 * the admin token reaches every tenant's tasks, and idempotency keys count per tenant. A backend's
 * test extends this class (the in-memory queue, Redis Streams).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        TestRegion.PROPERTY,
        "meridian.queues.simple.min-workers=1",
        "meridian.queues.simple.max-workers=1",
        "meridian.queues.simple.max-depth=20",
        "meridian.queues.simple.retry-delay=100ms",
        "meridian.queues.complex.workers=1",
        "meridian.tasks.sync-wait=5s",
        "meridian.admin.token-sha256=" + TenantScopedTasksContract.ADMIN_HASH})
@AutoConfigureWebTestClient
@Import(TenantScopedTasksContract.ScriptedModel.class)
abstract class TenantScopedTasksContract {

    /** The admin token of these tests; only its hash is configured. */
    static final String ADMIN_TOKEN = "admin-secret";

    static final String ADMIN_HASH = "16175223c8ddce5ace0493c948569c211b03c4c6bb3d3e484434999448cffe01";

    private static final ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>> EVENT =
            new ParameterizedTypeReference<>() { };

    @TestConfiguration(proxyBeanMethods = false)
    static class ScriptedModel {

        @Bean
        @Primary
        ScriptedChatBackend scriptedChatBackend() {
            return new ScriptedChatBackend();
        }
    }

    @Autowired
    private WebTestClient client;

    @Autowired
    private ScriptedChatBackend backend;

    @Autowired
    private TaskQueue queue;

    private final List<TaskId> submitted = new ArrayList<>();

    @BeforeEach
    void answerAtOnce() {
        backend.releaseAll();
    }

    @AfterEach
    void cancelWhatIsLeft() {
        submitted.forEach(queue::cancel);
        backend.releaseAll();
    }

    /** A request as the gateway sends it for {@code tenant}; {@code null}: without the header. */
    private <S extends WebTestClient.RequestHeadersSpec<?>> S as(@Nullable String tenant, S request) {
        if (tenant != null) {
            request.header(TenantHeaders.TENANT, tenant);
        }
        return request;
    }

    private <S extends WebTestClient.RequestHeadersSpec<?>> S asAdmin(S request) {
        request.header(HttpHeaders.AUTHORIZATION, "Bearer " + ADMIN_TOKEN);
        return request;
    }

    private TaskId submit(@Nullable String tenant, String query, @Nullable String idempotencyKey) {
        WebTestClient.RequestBodySpec request = as(tenant, client.post().uri("/v1/tasks"))
                .contentType(MediaType.APPLICATION_JSON);
        if (idempotencyKey != null) {
            request.header(TaskService.IDEMPOTENCY_KEY, idempotencyKey);
        }
        TaskId id = TaskId.parse(request.bodyValue("{\"query\": \"" + query + "\"}").exchange()
                .expectStatus().isAccepted()
                .expectBody(TaskView.Accepted.class).returnResult().getResponseBody().id());
        submitted.add(id);
        return id;
    }

    private static String unknownId() {
        return TestRegion.ID + ".01JDQ3W5ZK8Y4T6V0A7M2N9PQR";
    }

    @Test
    void anotherTenantCannotReadATaskAndIsAnsweredAsForATaskThatDoesNotExist() {
        TaskId id = submit("acme", "acme's secret prompt", null);
        TaskAwait.awaitStatus(queue, id, TaskStatus.SUCCEEDED);

        String foreign = assertApiError(as("globex", client.get().uri("/v1/tasks/{id}", id)).exchange(),
                404, ApiError.TASK_NOT_FOUND, null);
        String unknown = assertApiError(as("globex", client.get().uri("/v1/tasks/{id}", unknownId())).exchange(),
                404, ApiError.TASK_NOT_FOUND, null);
        assertThat(foreign.replace(id.toString(), "<id>")).isEqualTo(unknown.replace(unknownId(), "<id>"));
        assertThat(foreign).doesNotContain("acme").doesNotContain("secret");
        assertApiError(as(null, client.get().uri("/v1/tasks/{id}", id)).exchange(), 404, ApiError.TASK_NOT_FOUND, null);

        as("acme", client.get().uri("/v1/tasks/{id}", id)).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.query").isEqualTo("acme's secret prompt")
                .jsonPath("$.status").isEqualTo("succeeded");
    }

    @Test
    void anotherTenantCannotCancelATaskWhichGoesOnUntouched() {
        backend.hold(true);
        TaskId id = submit("acme", "acme's long job", null);

        assertApiError(as("globex", client.delete().uri("/v1/tasks/{id}", id)).exchange(),
                404, ApiError.TASK_NOT_FOUND, null);
        assertApiError(as(null, client.delete().uri("/v1/tasks/{id}", id)).exchange(),
                404, ApiError.TASK_NOT_FOUND, null);

        assertThat(queue.find(id).orElseThrow().status()).isNotEqualTo(TaskStatus.CANCELLED);
        backend.releaseAll();
        TaskAwait.awaitStatus(queue, id, TaskStatus.SUCCEEDED);
    }

    @Test
    void anotherTenantCannotFollowATasksEvents() {
        TaskId id = submit("acme", "acme's watched job", null);
        TaskAwait.awaitStatus(queue, id, TaskStatus.SUCCEEDED);

        assertApiError(as("globex", client.get().uri("/v1/tasks/{id}/events", id)).exchange(),
                404, ApiError.TASK_NOT_FOUND, null);

        Flux<String> own = as("acme", client.get().uri("/v1/tasks/{id}/events", id))
                .accept(MediaType.TEXT_EVENT_STREAM).exchange()
                .expectStatus().isOk()
                .returnResult(EVENT).getResponseBody()
                .filter(event -> event.event() != null)
                .map(ServerSentEvent::event);
        StepVerifier.create(own).expectNext("succeeded").expectComplete().verify(Duration.ofSeconds(30));
    }

    @Test
    void theAnonymousTenantsTasksAreItsOwnToo() {
        TaskId anonymous = submit(null, "no key", null);
        TaskAwait.awaitStatus(queue, anonymous, TaskStatus.SUCCEEDED);

        assertApiError(as("acme", client.get().uri("/v1/tasks/{id}", anonymous)).exchange(),
                404, ApiError.TASK_NOT_FOUND, null);
        as(TenantHeaders.ANONYMOUS, client.get().uri("/v1/tasks/{id}", anonymous)).exchange()
                .expectStatus().isOk();
        as(null, client.get().uri("/v1/tasks/{id}", anonymous)).exchange()
                .expectStatus().isOk();
        assertThat(queue.find(anonymous).orElseThrow().tenant()).isEqualTo(TenantHeaders.ANONYMOUS);
    }

    @Test
    void theAdminTokenReadsFollowsAndCancelsEveryTenantsTasks() {
        TaskId done = submit("acme", "acme's finished job", null);
        TaskAwait.awaitStatus(queue, done, TaskStatus.SUCCEEDED);

        asAdmin(client.get().uri("/v1/tasks/{id}", done)).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.query").isEqualTo("acme's finished job");
        // The admin token wins over a tenant header sent along with it.
        asAdmin(as("globex", client.get().uri("/v1/tasks/{id}", done))).exchange()
                .expectStatus().isOk();
        Flux<String> events = asAdmin(client.get().uri("/v1/tasks/{id}/events", done))
                .accept(MediaType.TEXT_EVENT_STREAM).exchange()
                .expectStatus().isOk()
                .returnResult(EVENT).getResponseBody()
                .filter(event -> event.event() != null)
                .map(ServerSentEvent::event);
        StepVerifier.create(events).expectNext("succeeded").expectComplete().verify(Duration.ofSeconds(30));

        backend.hold(true);
        TaskId held = submit("acme", "acme's job an operator stops", null);
        asAdmin(client.delete().uri("/v1/tasks/{id}", held)).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("cancelled");
    }

    @Test
    void aWrongAdminTokenIsJustTheTenantsScope() {
        TaskId id = submit("acme", "acme's job", null);
        TaskAwait.awaitStatus(queue, id, TaskStatus.SUCCEEDED);

        assertApiError(as("globex", client.get().uri("/v1/tasks/{id}", id))
                        .header(HttpHeaders.AUTHORIZATION, "Bearer not-the-admin-token").exchange(),
                404, ApiError.TASK_NOT_FOUND, null);
        as("acme", client.get().uri("/v1/tasks/{id}", id))
                .header(HttpHeaders.AUTHORIZATION, "Bearer not-the-admin-token").exchange()
                .expectStatus().isOk();
    }

    @Test
    void theFailureListShowsATenantItsOwnFailuresOnlyAndTheAdminEveryones() {
        backend.poison("acme's poison").poison("globex's poison");
        TaskId acme = submit("acme", "acme's poison", null);
        TaskId globex = submit("globex", "globex's poison", null);
        TaskAwait.awaitStatus(queue, acme, TaskStatus.DEAD_LETTERED);
        TaskAwait.awaitStatus(queue, globex, TaskStatus.DEAD_LETTERED);

        as("acme", client.get().uri("/v1/tasks?state=dead_lettered")).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.tasks[?(@.id=='" + acme + "')].tenant").isEqualTo(List.of("acme"))
                .jsonPath("$.tasks[?(@.id=='" + globex + "')]").isEmpty()
                .jsonPath("$.tasks[?(@.tenant!='acme')]").isEmpty();
        as(null, client.get().uri("/v1/tasks")).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.tasks[?(@.id=='" + acme + "')]").isEmpty()
                .jsonPath("$.tasks[?(@.id=='" + globex + "')]").isEmpty();
        asAdmin(client.get().uri("/v1/tasks?state=dead_lettered")).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.tasks[?(@.id=='" + acme + "')].tenant").isEqualTo(List.of("acme"))
                .jsonPath("$.tasks[?(@.id=='" + globex + "')].tenant").isEqualTo(List.of("globex"));
    }

    @Test
    void twoTenantsSendingTheSameIdempotencyKeyGetTwoTasksAndEachItsOwnBack() {
        backend.hold(true);
        TaskId acme = submit("acme", "acme's question", "shared-key");
        TaskId globex = submit("globex", "globex's question", "shared-key");
        TaskId anonymous = submit(null, "anonymous question", "shared-key");

        assertThat(globex).isNotEqualTo(acme);
        assertThat(anonymous).isNotEqualTo(acme).isNotEqualTo(globex);
        assertThat(submit("acme", "acme's question", "shared-key")).isEqualTo(acme);
        assertThat(submit("globex", "globex's question", "shared-key")).isEqualTo(globex);
        assertThat(queue.find(globex).orElseThrow().query()).isEqualTo("globex's question");
    }

    @Test
    void processRecordsTheTenantAndKeepsIdempotencyKeysApart() {
        String acme = answer("acme", "acme asks once");
        String globex = answer("globex", "globex asks once");

        assertThat(acme).contains("acme asks once");
        assertThat(globex).contains("globex asks once");
        assertThat(answer("acme", "a different question, same key")).isEqualTo(acme);
    }

    private String answer(String tenant, String query) {
        return String.valueOf(as(tenant, client.post().uri("/process")).contentType(MediaType.APPLICATION_JSON)
                .header(TaskService.IDEMPOTENCY_KEY, "process-key")
                .bodyValue("{\"query\": \"" + query + "\"}").exchange()
                .expectStatus().isOk()
                .expectBody(new ParameterizedTypeReference<Map<String, Object>>() { })
                .returnResult().getResponseBody().get("answer"));
    }

    @Test
    void chatCompletionsRecordTheTenant() {
        Map<String, Object> completion = as("acme", client.post().uri("/v1/chat/completions"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\": \"simple\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}")
                .exchange()
                .expectStatus().isOk()
                .expectBody(new ParameterizedTypeReference<Map<String, Object>>() { })
                .returnResult().getResponseBody();
        TaskId id = TaskId.parse(((String) completion.get("id")).substring("chatcmpl-".length()));

        assertThat(queue.find(id).orElseThrow().tenant()).isEqualTo("acme");
        assertApiError(as("globex", client.get().uri("/v1/tasks/{id}", id)).exchange(),
                404, ApiError.TASK_NOT_FOUND, null);
    }

    @Test
    void aMalformedTenantHeaderIsRefusedNamingTheHeader() {
        String message = assertApiError(as("Acme Corp", client.post().uri("/v1/tasks"))
                        .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"query\": \"hi\"}").exchange(),
                400, ApiError.INVALID_HEADER, TenantHeaders.TENANT);
        assertThat(message).contains("'Acme Corp'");
        assertApiError(as("../acme", client.get().uri("/v1/tasks/{id}", unknownId())).exchange(),
                400, ApiError.INVALID_HEADER, TenantHeaders.TENANT);
    }
}
