package io.meridian.taskserver.task;

import static io.meridian.taskserver.testsupport.ApiErrorAssertions.assertApiError;
import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.taskserver.queue.TaskQueue;
import io.meridian.taskserver.taskapi.TaskService;
import io.meridian.taskserver.testsupport.ScriptedChatBackend;
import io.meridian.taskserver.testsupport.TaskAwait;
import io.meridian.taskserver.testsupport.TestRegion;
import io.meridian.taskserver.web.ApiError;
import io.meridian.taskserver.web.RegionHeaderFilter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * The asynchronous task API and {@code POST /process} over HTTP, on a scripted model. The simple
 * queue has one worker and room for one waiting task, so a test that holds the model controls
 * exactly what runs and what waits.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        TestRegion.PROPERTY,
        "meridian.queues.simple.min-workers=1",
        "meridian.queues.simple.max-workers=1",
        "meridian.queues.simple.max-depth=1",
        "meridian.queues.simple.retry-delay=100ms",
        "meridian.queues.complex.workers=1",
        "meridian.tasks.sync-wait=2s",
        "meridian.workers.retry-jitter-seed=1"})
@AutoConfigureWebTestClient
class TaskApiTests {

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

    private WebTestClient.ResponseSpec post(String uri, String json, @Nullable String idempotencyKey) {
        WebTestClient.RequestBodySpec request = client.post().uri(uri).contentType(MediaType.APPLICATION_JSON);
        if (idempotencyKey != null) {
            request.header(TaskService.IDEMPOTENCY_KEY, idempotencyKey);
        }
        return request.bodyValue(json).exchange();
    }

    private TaskId submit(String json) {
        String id = post("/v1/tasks", json, null).expectStatus().isAccepted()
                .expectBody(TaskView.Accepted.class).returnResult().getResponseBody().id();
        TaskId taskId = TaskId.parse(id);
        submitted.add(taskId);
        return taskId;
    }

    /** Holds the model and fills the simple queue's only worker with a task. */
    private TaskId occupyTheWorker() {
        backend.hold(true);
        TaskId running = submit("{\"query\": \"occupying\"}");
        TaskAwait.awaitStatus(queue, running, TaskStatus.RUNNING);
        return running;
    }

    @Test
    void submitAnswers202WithTheIdLinksAndLocation() {
        TaskView.Accepted accepted = post("/v1/tasks", "{\"query\": \"hello\"}", null)
                .expectStatus().isAccepted()
                .expectHeader().valueMatches(HttpHeaders.LOCATION, "/v1/tasks/us-east\\.[0-9A-Z]{26}_[0-9A-Z]{6}")
                .expectHeader().valueEquals(RegionHeaderFilter.HEADER, TestRegion.ID)
                .expectBody(TaskView.Accepted.class).returnResult().getResponseBody();

        assertThat(accepted.id()).startsWith(TestRegion.ID + ".");
        assertThat(accepted.status()).isIn(TaskStatus.QUEUED, TaskStatus.RUNNING, TaskStatus.SUCCEEDED);
        assertThat(accepted.queue()).isEqualTo("simple");
        assertThat(accepted.links()).isEqualTo(new TaskView.Links("/v1/tasks/" + accepted.id(),
                "/v1/tasks/" + accepted.id() + "/events"));
    }

    @Test
    void getShowsTheFinishedTaskWithItsResult() {
        TaskId id = submit("{\"query\": \"hello\"}");
        TaskAwait.awaitStatus(queue, id, TaskStatus.SUCCEEDED);

        client.get().uri("/v1/tasks/{id}", id).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.id").isEqualTo(id.toString())
                .jsonPath("$.status").isEqualTo("succeeded")
                .jsonPath("$.queue").isEqualTo("simple")
                .jsonPath("$.query").isEqualTo("hello")
                .jsonPath("$.model").isEqualTo(ScriptedChatBackend.NAME)
                .jsonPath("$.attempts").isEqualTo(1)
                .jsonPath("$.createdAt").isNotEmpty()
                .jsonPath("$.finishedAt").isNotEmpty()
                .jsonPath("$.result.answer").isEqualTo("answer to hello")
                .jsonPath("$.result.backend").isEqualTo(ScriptedChatBackend.NAME)
                .jsonPath("$.result.usage.totalTokens").isEqualTo(4)
                .jsonPath("$.error").isEmpty()
                .jsonPath("$.links.self").isEqualTo("/v1/tasks/" + id);
    }

    @Test
    void aRequestNamingTheComplexKindGoesToTheComplexQueue() {
        TaskId id = submit("{\"query\": \"hello\", \"kind\": \"complex\"}");

        client.get().uri("/v1/tasks/{id}", id).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.queue").isEqualTo("complex").jsonPath("$.model").isEqualTo("qwen3:14b");
    }

    @Test
    void eventsStreamEachStatusChangeAndTheResultThenComplete() {
        occupyTheWorker();
        TaskId id = submit("{\"query\": \"watched\"}");

        Flux<ServerSentEvent<Map<String, Object>>> events = client.get().uri("/v1/tasks/{id}/events", id)
                .accept(MediaType.TEXT_EVENT_STREAM).exchange()
                .expectStatus().isOk()
                .returnResult(EVENT).getResponseBody().filter(event -> event.event() != null);

        StepVerifier.create(events)
                .assertNext(event -> {
                    assertThat(event.event()).isEqualTo("queued");
                    assertThat(event.data()).containsEntry("id", id.toString()).containsEntry("status", "queued");
                })
                .then(backend::releaseAll)
                .assertNext(event -> assertThat(event.event()).isEqualTo("running"))
                .assertNext(event -> {
                    assertThat(event.event()).isEqualTo("succeeded");
                    assertThat(event.data().get("result")).asInstanceOf(InstanceOfAssertFactories.MAP)
                            .containsEntry("answer", "answer to watched");
                })
                .expectComplete()
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void eventsShowAFailedAttemptGoingBackToTheQueueAndTheRetrySucceeding() {
        occupyTheWorker();
        TaskId id = submit("{\"query\": \"flaky\"}");
        backend.failNext(1);

        Flux<ServerSentEvent<Map<String, Object>>> events = client.get().uri("/v1/tasks/{id}/events", id)
                .accept(MediaType.TEXT_EVENT_STREAM).exchange()
                .returnResult(EVENT).getResponseBody().filter(event -> event.event() != null);

        StepVerifier.create(events.map(ServerSentEvent::event))
                .expectNext("queued")
                .then(backend::releaseAll)
                .expectNext("running", "queued", "running", "succeeded")
                .expectComplete()
                .verify(Duration.ofSeconds(10));
        client.get().uri("/v1/tasks/{id}", id).exchange()
                .expectBody()
                .jsonPath("$.attempts").isEqualTo(2)
                .jsonPath("$.error.error").isEqualTo("model_error");
    }

    @Test
    void eventsOfAFinishedTaskAreItsFinalStateOnly() {
        TaskId id = submit("{\"query\": \"done\"}");
        TaskAwait.awaitStatus(queue, id, TaskStatus.SUCCEEDED);

        StepVerifier.create(client.get().uri("/v1/tasks/{id}/events", id).accept(MediaType.TEXT_EVENT_STREAM)
                        .exchange().returnResult(EVENT).getResponseBody().filter(event -> event.event() != null))
                .assertNext(event -> assertThat(event.event()).isEqualTo("succeeded"))
                .expectComplete()
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void deleteCancelsAQueuedTaskAndAnswers409OnceItIsFinished() {
        occupyTheWorker();
        TaskId id = submit("{\"query\": \"never mind\"}");

        client.delete().uri("/v1/tasks/{id}", id).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("cancelled").jsonPath("$.attempts").isEqualTo(0);

        String message = assertApiError(client.delete().uri("/v1/tasks/{id}", id).exchange(), 409,
                ApiError.TASK_FINISHED, null);
        assertThat(message).contains("cancelled");
        backend.releaseAll();
        assertThat(backend.calls()).doesNotContain("never mind");
    }

    @Test
    void deleteStopsARunningTask() {
        TaskId running = occupyTheWorker();

        client.delete().uri("/v1/tasks/{id}", running).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("cancelled");

        backend.awaitCancelledCalls(1, Duration.ofSeconds(10));
        client.get().uri("/v1/tasks/{id}", running).exchange()
                .expectBody().jsonPath("$.status").isEqualTo("cancelled");
    }

    @Test
    void queuesReportDepthInFlightWorkersAndCounts() {
        occupyTheWorker();
        submit("{\"query\": \"waiting\"}");

        client.get().uri("/v1/queues").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.region").isEqualTo(TestRegion.ID)
                .jsonPath("$.queues.length()").isEqualTo(2)
                .jsonPath("$.queues[0].name").isEqualTo("simple")
                .jsonPath("$.queues[0].depth").isEqualTo(1)
                .jsonPath("$.queues[0].maxDepth").isEqualTo(1)
                .jsonPath("$.queues[0].inFlight").isEqualTo(1)
                .jsonPath("$.queues[0].workers.current").isEqualTo(1)
                .jsonPath("$.queues[0].workers.min").isEqualTo(1)
                .jsonPath("$.queues[0].workers.max").isEqualTo(1)
                .jsonPath("$.queues[0].completed").isNumber()
                .jsonPath("$.queues[0].failed").isNumber()
                .jsonPath("$.queues[0].retried").isNumber()
                .jsonPath("$.queues[0].deadLettered").isNumber()
                .jsonPath("$.queues[0].rates.completed").isNumber()
                .jsonPath("$.queues[0].rates.deadLettered").isNumber()
                .jsonPath("$.queues[1].name").isEqualTo("complex")
                .jsonPath("$.queues[1].model").isEqualTo("qwen3:14b")
                .jsonPath("$.queues[1].workers.current").isEqualTo(1);
    }

    @Test
    void replicasListOnlyThisProcessInMemory() {
        client.get().uri("/v1/replicas").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.region").isEqualTo(TestRegion.ID)
                .jsonPath("$.replicas.length()").isEqualTo(1)
                .jsonPath("$.replicas[0].pid").isEqualTo(ProcessHandle.current().pid())
                .jsonPath("$.replicas[0].live").isEqualTo(true)
                .jsonPath("$.replicas[0].housekeeper").isEqualTo(true);
    }

    @Test
    void readinessReportsTheQueueDepth() {
        occupyTheWorker();
        submit("{\"query\": \"waiting\"}");

        client.get().uri("/actuator/health/readiness").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.components.region.details.queueDepth").isEqualTo(1)
                .jsonPath("$.components.region.details.inFlight").isEqualTo(2);
    }

    @Test
    void aFullQueueRefusesANewTaskAtOnceWith429AndRetryAfter() {
        occupyTheWorker();
        submit("{\"query\": \"fills the queue\"}");

        WebTestClient.ResponseSpec refused = post("/v1/tasks", "{\"query\": \"one too many\"}", null);

        refused.expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, "5");
        String message = assertApiError(refused, 429, ApiError.QUEUE_FULL, null);
        assertThat(message).contains("'simple'");
        // The refused task gave back the capacity slot it took: the load the gateway reads does not drift.
        client.get().uri("/actuator/health/readiness").exchange()
                .expectBody().jsonPath("$.components.region.details.inFlight").isEqualTo(2);
    }

    @Test
    void theSameIdempotencyKeyReturnsTheSameTask() {
        String first = post("/v1/tasks", "{\"query\": \"once\"}", "order-17").expectStatus().isAccepted()
                .expectBody(TaskView.Accepted.class).returnResult().getResponseBody().id();
        submitted.add(TaskId.parse(first));

        post("/v1/tasks", "{\"query\": \"once\"}", "order-17").expectStatus().isAccepted()
                .expectHeader().valueEquals(HttpHeaders.LOCATION, "/v1/tasks/" + first)
                .expectBody().jsonPath("$.id").isEqualTo(first);
        // The simple queue holds one waiting task: on a busy machine the first may still wait, and a
        // second task would then be refused (429 queue_full), which is not what this test is about.
        TaskAwait.awaitStatus(queue, TaskId.parse(first), TaskStatus.SUCCEEDED);
        String other = post("/v1/tasks", "{\"query\": \"once\"}", "order-18").expectStatus().isAccepted()
                .expectBody(TaskView.Accepted.class).returnResult().getResponseBody().id();
        submitted.add(TaskId.parse(other));

        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void refusesAMalformedIdempotencyKeyNamingTheHeader() {
        assertApiError(post("/v1/tasks", "{\"query\": \"once\"}", "has spaces"), 400, ApiError.INVALID_REQUEST,
                TaskService.IDEMPOTENCY_KEY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"no-dot-at-all", "us-east.short", "US-EAST.ABCDEFGHJK", "us-east.ABC$DEFGHJK",
            ".ABCDEFGHJK"})
    void refusesAMalformedIdWith400NamingTheField(String id) {
        String message = assertApiError(client.get().uri("/v1/tasks/{id}", id).exchange(), 400,
                ApiError.INVALID_REQUEST, "id");
        assertThat(message).startsWith("id must be '<region>.<token>'");
        assertApiError(client.delete().uri("/v1/tasks/{id}", id).exchange(), 400, ApiError.INVALID_REQUEST, "id");
        assertApiError(client.get().uri("/v1/tasks/{id}/events", id).exchange(), 400, ApiError.INVALID_REQUEST,
                "id");
    }

    @Test
    void anIdOfAnotherRegionIsNotFoundHere() {
        String message = assertApiError(client.get().uri("/v1/tasks/eu-central.01JDQ3W5ZK8Y4T6V0A7M2N9PQR")
                .exchange(), 404, ApiError.TASK_NOT_FOUND, null);
        assertThat(message).contains("'eu-central'");
    }

    @Test
    void anUnknownIdIsNotFound() {
        String unknown = "/v1/tasks/" + TestRegion.ID + ".01JDQ3W5ZK8Y4T6V0A7M2N9PQR";
        assertApiError(client.get().uri(unknown).exchange(), 404, ApiError.TASK_NOT_FOUND, null);
        assertApiError(client.delete().uri(unknown).exchange(), 404, ApiError.TASK_NOT_FOUND, null);
        assertApiError(client.get().uri(unknown + "/events").exchange(), 404, ApiError.TASK_NOT_FOUND, null);
    }

    @Test
    void refusesAnUnknownKindNamingTheField() {
        String message = assertApiError(post("/v1/tasks", "{\"query\": \"hi\", \"kind\": \"gpu\"}", null), 400,
                ApiError.INVALID_REQUEST, "kind");
        assertThat(message).isEqualTo("kind must be one of ['simple', 'complex'], but was 'gpu'");
    }

    @Test
    void refusesAMissingQueryLikeProcessDoes() {
        assertApiError(post("/v1/tasks", "{}", null), 400, ApiError.INVALID_REQUEST, "query");
        assertApiError(post("/v1/tasks", "not json", null), 400, ApiError.MALFORMED_JSON, null);
    }

    @Test
    void processAnswers202WithTheTaskWhenItTakesLongerThanTheSyncWait() {
        occupyTheWorker();

        TaskView.Accepted accepted = post("/process", "{\"query\": \"slow\"}", null)
                .expectStatus().isAccepted()
                .expectHeader().valueMatches(HttpHeaders.LOCATION, "/v1/tasks/us-east\\..+")
                .expectBody(TaskView.Accepted.class).returnResult().getResponseBody();
        submitted.add(TaskId.parse(accepted.id()));
        backend.releaseAll();

        TaskAwait.awaitStatus(queue, TaskId.parse(accepted.id()), TaskStatus.SUCCEEDED);
        client.get().uri(accepted.links().self()).exchange()
                .expectBody().jsonPath("$.result.answer").isEqualTo("answer to slow");
    }

    @Test
    void processWithAnIdempotencyKeyOfAFinishedTaskAnswersItsResultWithoutAskingTheModelAgain() {
        post("/process", "{\"query\": \"pay once\"}", "pay-1").expectStatus().isOk()
                .expectBody().jsonPath("$.answer").isEqualTo("answer to pay once");

        post("/process", "{\"query\": \"pay once\"}", "pay-1").expectStatus().isOk()
                .expectBody()
                .jsonPath("$.region").isEqualTo(TestRegion.ID)
                .jsonPath("$.answer").isEqualTo("answer to pay once");

        assertThat(backend.calls()).containsOnlyOnce("pay once");
    }

    @Test
    void aPoisonTaskIsDeadLetteredWithItsLastErrorAfterItsAttempts() {
        backend.poison("poison");
        TaskId id = submit("{\"query\": \"poison\"}");
        TaskAwait.awaitStatus(queue, id, TaskStatus.DEAD_LETTERED);

        client.get().uri("/v1/tasks/{id}", id).exchange()
                .expectBody()
                .jsonPath("$.status").isEqualTo("dead_lettered")
                .jsonPath("$.attempts").isEqualTo(3)
                .jsonPath("$.error.error").isEqualTo("model_error");
    }

    @Test
    void listsTheRegionsLatestFailuresWithTheirErrorsAndRefusesABadStateOrLimit() {
        backend.poison("poison listed");
        TaskId id = submit("{\"query\": \"poison listed\"}");
        TaskAwait.awaitStatus(queue, id, TaskStatus.DEAD_LETTERED);

        client.get().uri("/v1/tasks?state=dead_lettered&limit=1").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.region").isEqualTo(TestRegion.ID)
                .jsonPath("$.tasks.length()").isEqualTo(1)
                .jsonPath("$.tasks[0].id").isEqualTo(id.toString())
                .jsonPath("$.tasks[0].status").isEqualTo("dead_lettered")
                .jsonPath("$.tasks[0].queue").isEqualTo("simple")
                .jsonPath("$.tasks[0].attempts").isEqualTo(3)
                .jsonPath("$.tasks[0].error.error").isEqualTo("model_error")
                .jsonPath("$.tasks[0].query").doesNotExist();
        client.get().uri("/v1/tasks?state=failed").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.tasks[?(@.id=='" + id + "')]").isEmpty();
        io.meridian.taskserver.testsupport.ApiErrorAssertions.assertApiError(
                client.get().uri("/v1/tasks?state=exploded").exchange(), 400, "invalid_state", "state");
        io.meridian.taskserver.testsupport.ApiErrorAssertions.assertApiError(
                client.get().uri("/v1/tasks?limit=0").exchange(), 400, "invalid_limit", "limit");
    }
}
