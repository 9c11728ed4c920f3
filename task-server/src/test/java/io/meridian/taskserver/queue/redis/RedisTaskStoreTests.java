package io.meridian.taskserver.queue.redis;

import static io.meridian.taskserver.testsupport.TaskFixtures.SIMPLE;
import static io.meridian.taskserver.testsupport.TaskFixtures.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.sync.RedisCommands;
import io.meridian.taskserver.queue.TaskChangeFeed;
import io.meridian.taskserver.queue.redis.CommitTemplate.Decision;
import io.meridian.taskserver.task.Task;
import io.meridian.taskserver.task.TaskId;
import io.meridian.taskserver.task.TaskStatus;
import io.meridian.taskserver.testsupport.TaskFixtures;
import io.meridian.testing.MutableClock;
import io.meridian.testing.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The task store against a real Redis: the commit template's compare-and-set holds when another
 * replica writes in between, documents stored before versions are read, and housekeeping's clock
 * is the injected one.
 */
class RedisTaskStoreTests {

    private static final Duration RESULT_TTL = Duration.ofMinutes(10);

    private final MutableClock clock = MutableClock.atEpochDay();

    private final String namespace = "meridian-test:{" + UUID.randomUUID() + "}";

    private final RedisKeys keys = new RedisKeys(namespace);

    private final List<RedisStreamsTaskQueue> opened = new ArrayList<>();

    private RedisClient client;

    private RedisCommands<String, String> redis;

    private RedisTaskStore store;

    @BeforeEach
    void connect() {
        client = RedisClient.create(TestRedis.url());
        redis = client.connect().sync();
        store = new RedisTaskStore(redis, new RedisScripts(redis), keys, new TaskDocument(), clock, RESULT_TTL,
                "tester", new TaskChangeFeed());
    }

    @AfterEach
    void clean() {
        opened.forEach(RedisStreamsTaskQueue::close);
        List<String> left = redis.keys(namespace.replace("{", "\\{").replace("}", "\\}") + ":*");
        if (!left.isEmpty()) {
            redis.del(left.toArray(String[]::new));
        }
        client.shutdown();
    }

    private RedisStreamsTaskQueue replica(String name) {
        RedisURI uri = RedisURI.create(TestRedis.url());
        uri.setTimeout(Duration.ofSeconds(5));
        RedisStreamsTaskQueue replica = new RedisStreamsTaskQueue(uri, namespace, TaskFixtures.queues(10), RESULT_TTL,
                Duration.ofSeconds(30), Duration.ofSeconds(10), name + "-" + UUID.randomUUID(), clock);
        opened.add(replica);
        return replica;
    }

    @Test
    void aReplicaThatWritesBetweenTheReadAndTheCommitMakesTheUpdateReadAgainAndKeepItsChange() {
        RedisStreamsTaskQueue other = replica("other");
        Task running = other.submit(task(SIMPLE, "slow", null, clock)).task();
        running = other.claim(SIMPLE).orElseThrow();
        TaskId id = running.id();
        List<Integer> races = new ArrayList<>();

        Optional<Task> heartbeat = store.update(id, race -> {
            StoredTask read = store.held(id);
            races.add(race);
            if (race == 0) {
                // The other replica cancels the task after this read, before this commit.
                assertThat(other.cancel(id).orElseThrow().cancelled()).isTrue();
            }
            return read;
        }, before -> {
            if (before.task().status() != TaskStatus.RUNNING) {
                return Decision.answer(null);
            }
            Task alive = before.task().heartbeat(clock.instant());
            return Decision.commit(alive, store.transition(alive), alive);
        });

        assertThat(races).as("the lost race is read again").containsExactly(0, 1);
        assertThat(heartbeat).as("decided again from the cancelled task").isEmpty();
        assertThat(other.find(id)).map(Task::status).contains(TaskStatus.CANCELLED);
    }

    @Test
    void aTaskHashHoldingADocumentStoredBeforeVersionsIsFoundAndExpiresAsBefore() {
        Task old = new TaskDocument().read(TaskDocumentTests.unversioned());
        redis.hset(keys.task(old.id()), Map.of("json", TaskDocumentTests.unversioned(),
                "version", Long.toString(old.version()), "entry", ""));
        RedisStreamsTaskQueue queue = replica("reader");

        assertThat(queue.find(old.id())).contains(old);
        // It finished five seconds after the test clock's start.
        clock.advance(RESULT_TTL.plusSeconds(5));
        assertThat(queue.find(old.id())).as("expired by the injected clock, as any task").isEmpty();
        assertThat(redis.exists(keys.task(old.id()))).isZero();
    }

    @Test
    void aReplicaDescribesItselfWithItsStartOnTheInjectedClock() {
        RedisHousekeeping housekeeping = new RedisHousekeeping(redis, new RedisScripts(redis),
                JsonMapper.builder().build(), keys, "replica-a", Duration.ofSeconds(10), List.of(), clock);
        clock.advance(Duration.ofHours(1));

        assertThat(housekeeping.beat()).endsWith("/replica-a");
        assertThat(housekeeping.replicas()).singleElement()
                .satisfies(replica -> assertThat(replica.startedAt()).isEqualTo(MutableClock.DEFAULT_START));
    }

    @Test
    void scansForLostWorkAtMostOncePerTenthOfTheReplicaTimeoutOnRedisTime() {
        RedisHousekeeping housekeeping = new RedisHousekeeping(redis, new RedisScripts(redis),
                JsonMapper.builder().build(), keys, "replica-a", Duration.ofSeconds(10), List.of(), clock);

        assertThat(housekeeping.scanDue(1_000_000)).as("the first").isTrue();
        assertThat(housekeeping.scanDue(1_000_000)).isFalse();
        assertThat(housekeeping.scanDue(1_000_999)).isFalse();
        assertThat(housekeeping.scanDue(1_001_000)).as("a tenth of 10 s later").isTrue();
        assertThat(housekeeping.scanDue(1_001_500)).isFalse();
        housekeeping.beat();
        assertThat(housekeeping.scanDue()).as("Redis's own time is far past the test's").isTrue();
    }
}
