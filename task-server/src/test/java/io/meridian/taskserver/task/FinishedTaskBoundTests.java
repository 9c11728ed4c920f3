package io.meridian.taskserver.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.taskserver.queue.TaskQueue;
import io.meridian.taskserver.taskapi.TaskService;
import io.meridian.taskserver.testsupport.TaskAwait;
import io.meridian.taskserver.testsupport.TestRegion;
import io.meridian.taskserver.web.ApiError;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * {@code meridian.tasks.max-finished-in-memory} over HTTP: with queues in memory, a task server
 * keeps at most that many finished tasks; the oldest is forgotten before its TTL, as if the TTL
 * had passed, and counted. One worker, so tasks finish in the order they were sent.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        TestRegion.PROPERTY,
        "meridian.model.simulated.latency=0ms",
        "meridian.queues.simple.min-workers=1",
        "meridian.queues.simple.max-workers=1",
        "meridian.tasks.max-finished-in-memory=2"})
@AutoConfigureWebTestClient
class FinishedTaskBoundTests {

    @Autowired
    private WebTestClient client;

    @Autowired
    private TaskQueue queue;

    @Autowired
    private MeterRegistry meters;

    private TaskView.Accepted submit(String query, String idempotencyKey) {
        return client.post().uri("/v1/tasks").contentType(MediaType.APPLICATION_JSON)
                .header(TaskService.IDEMPOTENCY_KEY, idempotencyKey)
                .bodyValue("{\"query\": \"" + query + "\"}").exchange()
                .expectStatus().isAccepted()
                .expectBody(TaskView.Accepted.class).returnResult().getResponseBody();
    }

    private TaskId finish(String query, String idempotencyKey) {
        TaskId id = TaskId.parse(submit(query, idempotencyKey).id());
        TaskAwait.awaitStatus(queue, id, TaskStatus.SUCCEEDED);
        return id;
    }

    @Test
    void theOldestFinishedTaskBeyondTheBoundIsGoneWithItsKeyAndCounted() {
        TaskId first = finish("first", "bound-1");
        TaskId second = finish("second", "bound-2");
        TaskId third = finish("third", "bound-3");

        client.get().uri("/v1/tasks/{id}", first).exchange()
                .expectStatus().isNotFound()
                .expectBody().jsonPath("$.error").isEqualTo(ApiError.TASK_NOT_FOUND);
        for (TaskId kept : new TaskId[] {second, third}) {
            client.get().uri("/v1/tasks/{id}", kept).exchange()
                    .expectStatus().isOk()
                    .expectBody().jsonPath("$.status").isEqualTo("succeeded");
        }
        assertThat(meters.get("meridian.tasks.forgotten").tag("reason", "capacity").functionCounter().count())
                .isEqualTo(1.0);

        TaskView.Accepted repeat = submit("third", "bound-3");
        assertThat(repeat.id()).as("a kept task's key still finds it").isEqualTo(third.toString());
        TaskView.Accepted again = submit("first", "bound-1");
        assertThat(again.id()).as("a repeat of the forgotten task's key is a new task").isNotEqualTo(first.toString());
    }
}
