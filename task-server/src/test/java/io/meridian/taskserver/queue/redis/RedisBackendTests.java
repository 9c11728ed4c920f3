package io.meridian.taskserver.queue.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisURI;
import io.meridian.taskserver.queue.PoolBounds;
import io.meridian.taskserver.queue.ReplicaLoad;
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
import org.awaitility.Awaitility;
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
        "meridian.tasks.sync-wait=5s",
        "meridian.admin.token-sha256=" + RedisBackendTests.TOKEN_SHA256})
@AutoConfigureWebTestClient
class RedisBackendTests {

    private static final String PREFIX = "meridian-test-" + UUID.randomUUID();

    private static final String TOKEN = "correct-horse-battery-staple";

    /** {@code printf %s correct-horse-battery-staple | sha256sum}. */
    static final String TOKEN_SHA256 = "87cbebfeebc05f7c54ac9336c4b4bbec831227a641951a4bde7edd56020f8590";

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

    @Test
    void readinessOfOneReplicaCountsTheLoadOfEveryLiveReplica() {
        int own = capacity();
        RedisStreamsTaskQueue other = otherReplica();
        other.reportLoad(new ReplicaLoad(7, 40));
        other.housekeep();

        // This server's next tick beats and reads the other's load: no fixed wait, a bound.
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Map<String, Object> region = region();
            assertThat(region.get("capacity")).isEqualTo(own + 40);
            assertThat((Integer) region.get("inFlight")).isGreaterThanOrEqualTo(7);
            assertThat(region.get("replicas")).isEqualTo(2);
        });
        client.get().uri("/v1/replicas").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.replicas[?(@.name == 'other-replica')].load.capacity").isEqualTo(List.of(40));
    }

    @Test
    void poolBoundsSetThroughAnyReplicaReachEveryReplicaUntilCleared() {
        RedisStreamsTaskQueue other = otherReplica();
        other.setPoolBounds(TaskFixtures.SIMPLE, new PoolBounds(1, 3));
        Awaitility.await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(simpleWorkers().get("max")).isEqualTo(3));

        client.put().uri("/v1/admin/queues/simple/workers").contentType(MediaType.APPLICATION_JSON)
                .header("Authorization", "Bearer " + TOKEN)
                .bodyValue("{\"min\": 2, \"max\": 4}").exchange().expectStatus().isOk();
        assertThat(other.poolBounds()).containsEntry(TaskFixtures.SIMPLE, new PoolBounds(2, 4));

        other.setPoolBounds(TaskFixtures.SIMPLE, null);
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(simpleWorkers().get("min")).isEqualTo(1);
            assertThat(simpleWorkers().get("max")).isEqualTo(1);
        });
    }

    private RedisStreamsTaskQueue otherReplica() {
        RedisStreamsTaskQueue other = new RedisStreamsTaskQueue(RedisURI.create(TestRedis.url()),
                PREFIX + ":{" + TestRegion.ID + "}", TaskFixtures.queues(10), Duration.ofHours(1),
                Duration.ofSeconds(30), Duration.ofSeconds(10), "other-replica", Clock.systemUTC());
        replicas.add(other);
        return other;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> region() {
        Map<String, Object> health = client.get().uri("/actuator/health/readiness").exchange()
                .expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
        return (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) health.get("components"))
                .get("region")).get("details");
    }

    private int capacity() {
        return (Integer) region().get("capacity");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> simpleWorkers() {
        Map<String, Object> queues = client.get().uri("/v1/queues").exchange().expectStatus().isOk()
                .expectBody(JSON).returnResult().getResponseBody();
        return ((List<Map<String, Object>>) queues.get("queues")).stream()
                .filter(q -> q.get("name").equals(TaskFixtures.SIMPLE)).findFirst()
                .map(q -> (Map<String, Object>) q.get("workers")).orElseThrow();
    }
}
