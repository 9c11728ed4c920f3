package io.meridian.taskserver.task;

import static io.meridian.taskserver.testsupport.ApiErrorAssertions.assertApiError;
import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.taskserver.queue.StoreEpoch;
import io.meridian.taskserver.queue.TaskQueue;
import io.meridian.taskserver.testsupport.TestRegion;
import io.meridian.taskserver.web.ApiError;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Over HTTP, with the default in-memory queues: a task id of another epoch of the store is
 * {@code 410 task_lost} on every endpoint that reads one task; an unknown id of this epoch is still
 * {@code 404 task_not_found}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = TestRegion.PROPERTY)
@AutoConfigureWebTestClient
class LostTaskApiTests {

    private static final String ULID = "01JDQ3W5ZK8Y4T6V0A7M2N9PQR";

    @Autowired
    private WebTestClient client;

    @Autowired
    private TaskQueue queue;

    private String otherEpoch() {
        String current = queue.epoch().id();
        return (current.charAt(0) == 'A' ? "B" : "A") + current.substring(1);
    }

    @Test
    void aTaskOfAnEarlierEpochIsGoneWith410TaskLostOnGetCancelAndEvents() {
        String lost = "/v1/tasks/" + TestRegion.ID + "." + ULID + "_" + otherEpoch();
        StoreEpoch epoch = queue.epoch();

        String message = assertApiError(client.get().uri(lost).exchange(), 410, ApiError.TASK_LOST, null);
        assertThat(message)
                .isEqualTo("task " + TestRegion.ID + "." + ULID + "_" + otherEpoch() + " was lost: region '"
                        + TestRegion.ID + "' started its task store anew at " + epoch.startedAt() + " because the "
                        + "task server restarted with its queues in memory, so the task and its answer are gone; "
                        + "submitting it again runs it again");
        assertApiError(client.delete().uri(lost).exchange(), 410, ApiError.TASK_LOST, null);
        assertApiError(client.get().uri(lost + "/events").exchange(), 410,
                ApiError.TASK_LOST, null);
    }

    @Test
    void anUnknownIdOfThisEpochIsStillNotFound() {
        String unknown = "/v1/tasks/" + TestRegion.ID + "." + ULID + "_" + queue.epoch().id();

        String message = assertApiError(client.get().uri(unknown).exchange(), 404, ApiError.TASK_NOT_FOUND, null);
        assertThat(message).endsWith("it never existed or its result has expired");
        assertApiError(client.get().uri(unknown + "/events").exchange(), 404, ApiError.TASK_NOT_FOUND, null);
    }

    @Test
    void aSubmittedTaskIsFoundUnderTheIdThatNamesTheCurrentEpoch() {
        String location = client.post().uri("/v1/tasks").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"query\": \"hello\"}").exchange()
                .expectStatus().isAccepted()
                .returnResult(String.class).getResponseHeaders().getFirst(HttpHeaders.LOCATION);

        assertThat(location).endsWith("_" + queue.epoch().id());
        client.get().uri(location).exchange().expectStatus().isOk();
    }
}
