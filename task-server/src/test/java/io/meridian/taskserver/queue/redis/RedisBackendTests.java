package io.meridian.taskserver.queue.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisURI;
import io.meridian.taskserver.queue.TaskQueue;
import io.meridian.taskserver.task.TaskId;
import io.meridian.taskserver.task.TaskStatus;
import io.meridian.taskserver.testsupport.ScriptedChatBackend;
import io.meridian.taskserver.testsupport.TaskAwait;
import io.meridian.taskserver.testsupport.TaskFixtures;
import io.meridian.taskserver.testsupport.TestRegion;
import io.meridian.testing.TestRedis;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The task server with {@code meridian.queues.backend=redis}: the HTTP API and the worker pools over
 * Redis Streams, and the readiness figures read from Redis.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        TestRegion.PROPERTY,
        "meridian.queues.backend=redis",
        "meridian.queues.simple.min-workers=1",
        "meridian.queues.simple.max-workers=1",
        "meridian.tasks.sync-wait=5s"})
@AutoConfigureWebTestClient
class RedisBackendTests {

    private static final String PREFIX = "meridian-test-" + UUID.randomUUID();

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() { };

    @TestConfiguration(proxyBeanMethods = false)
    static class ScriptedModel {

        @Bean
        @Primary
        ScriptedChatBackend scriptedChatBackend() {
            return new ScriptedChatBackend();
        }
    }

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("meridian.redis.url", TestRedis::url);
        registry.add("meridian.redis.key-prefix", () -> PREFIX);
    }

    @Autowired
    private WebTestClient client;

    @Autowired
    private ScriptedChatBackend backend;

    @Autowired
    private TaskQueue queue;

    private final List<RedisStreamsTaskQueue> replicas = new ArrayList<>();

    @AfterEach
    void release() {
        backend.releaseAll();
        replicas.forEach(RedisStreamsTaskQueue::close);
    }

    @Test
    void processAnswersWithTasksRunThroughRedis() {
        assertThat(queue).isInstanceOf(RedisStreamsTaskQueue.class);

        client.post().uri("/process").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"query\": \"hello over redis\"}").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.backend").isEqualTo(ScriptedChatBackend.NAME)
                .jsonPath("$.answer").isNotEmpty();
    }

    @Test
    void anotherReplicaSeesTasksAndReadinessCountsWhatWaitsInRedis() {
        backend.hold(true);
        List<TaskId> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(TaskId.parse(String.valueOf(client.post().uri("/v1/tasks").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"query\": \"held " + i + "\", \"kind\": \"simple\"}").exchange()
                    .expectStatus().isAccepted()
                    .expectBody(JSON).returnResult().getResponseBody().get("id"))));
        }
        backend.awaitCalls(1, Duration.ofSeconds(10));

        client.get().uri("/actuator/health/readiness").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.components.region.details.queueDepth").isEqualTo(2);
        RedisStreamsTaskQueue other = new RedisStreamsTaskQueue(RedisURI.create(TestRedis.url()),
                PREFIX + ":{" + TestRegion.ID + "}", TaskFixtures.queues(10), Duration.ofHours(1),
                Duration.ofSeconds(30), Duration.ofSeconds(10), "other-replica", Clock.systemUTC());
        replicas.add(other);
        assertThat(other.find(ids.getFirst()).orElseThrow().status()).isEqualTo(TaskStatus.RUNNING);
        other.housekeep();
        client.get().uri("/v1/replicas").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.region").isEqualTo(TestRegion.ID)
                .jsonPath("$.replicas.length()").isEqualTo(2)
                .jsonPath("$.replicas[?(@.name == 'other-replica')].live").isEqualTo(List.of(true))
                .jsonPath("$.replicas[?(@.housekeeper == true)].name").value(holders ->
                        assertThat(holders.toString()).doesNotContain("other-replica"));

        backend.releaseAll();
        for (TaskId id : ids) {
            TaskAwait.awaitStatus(other, id, TaskStatus.SUCCEEDED);
        }
    }
}
