package io.meridian.taskserver.queue.redis;

import static io.meridian.taskserver.testsupport.TaskFixtures.SIMPLE;
import static io.meridian.taskserver.testsupport.TaskFixtures.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.KillArgs;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XPendingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.meridian.taskserver.llm.ChatMessage;
import io.meridian.taskserver.llm.ChatParameters;
import io.meridian.taskserver.llm.Completion;
import io.meridian.taskserver.llm.ToolCall;
import io.meridian.taskserver.llm.TokenUsage;
import io.meridian.taskserver.queue.PoolBounds;
import io.meridian.taskserver.queue.QueueSettings;
import io.meridian.taskserver.queue.QueueStats;
import io.meridian.taskserver.queue.Queues;
import io.meridian.taskserver.queue.RegionLoad;
import io.meridian.taskserver.queue.Replica;
import io.meridian.taskserver.queue.ReplicaLoad;
import io.meridian.taskserver.queue.StoreEpoch;
import io.meridian.taskserver.queue.TaskQueue;
import io.meridian.taskserver.queue.TaskQueueContract;
import io.meridian.taskserver.task.Task;
import io.meridian.taskserver.task.TaskError;
import io.meridian.taskserver.task.TaskId;
import io.meridian.taskserver.task.TaskResult;
import io.meridian.taskserver.task.TaskStatus;
import io.meridian.taskserver.testsupport.TaskFixtures;
import io.meridian.taskserver.testsupport.TestRegion;
import io.meridian.taskserver.web.TenantHeaders;
import io.meridian.testing.TestRedis;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The queue contract on the Redis Streams backend, plus what only a shared backend can show: two
 * instances in one JVM are two replicas of one region, sharing a Redis namespace.
 */
class RedisStreamsTaskQueueTests extends TaskQueueContract {

    private static final TaskResult RESULT = new TaskResult("42", "qwen3", "scripted", TokenUsage.of(1, 1));

    private static final TaskError ERROR = new TaskError(TaskError.MODEL_ERROR, "model backend failed");

    /** Task timeout of the queues in the reclaim tests: entries are reclaimed after it plus the margin. */
    private static final Duration SHORT_TIMEOUT = Duration.ofMillis(300);

    private static final Duration SHORT_MARGIN = Duration.ofMillis(200);

    /** Replica timeout of the quick replicas: a replica silent this long is lost. */
    private static final Duration SHORT_REPLICA_TIMEOUT = Duration.ofMillis(400);

    private static RedisClient admin;

    private static RedisCommands<String, String> redis;

    private final List<RedisStreamsTaskQueue> opened = new ArrayList<>();

    private final String namespace = "meridian-test:{" + UUID.randomUUID() + "}";

    @BeforeAll
    static void connectAdmin() {
        admin = RedisClient.create(TestRedis.url());
        StatefulRedisConnection<String, String> connection = admin.connect();
        redis = connection.sync();
    }

    @AfterAll
    static void closeAdmin() {
        if (admin != null) {
            admin.shutdown();
        }
    }

    @AfterEach
    void closeReplicas() {
        opened.forEach(RedisStreamsTaskQueue::close);
        List<String> keys = redis.keys(namespace.replace("{", "\\{").replace("}", "\\}") + ":*");
        if (!keys.isEmpty()) {
            redis.del(keys.toArray(String[]::new));
        }
    }

    @Override
    protected TaskQueue newQueue(Queues queues, Duration resultTtl, Clock clock) {
        return replica("replica-a", queues, Duration.ofSeconds(30), Duration.ofSeconds(10));
    }

    private RedisStreamsTaskQueue replica(String name, Queues queues, Duration reclaimMargin,
            Duration replicaTimeout) {
        RedisURI uri = RedisURI.create(TestRedis.url());
        uri.setTimeout(Duration.ofSeconds(5));
        RedisStreamsTaskQueue replica = new RedisStreamsTaskQueue(uri, namespace, queues, RESULT_TTL, reclaimMargin,
                replicaTimeout, name + "-" + UUID.randomUUID(), clock);
        opened.add(replica);
        return replica;
    }

    /** Two replicas whose attempts time out quickly, so that a lost one is reclaimed within a second. */
    private List<RedisStreamsTaskQueue> quickReplicas() {
        Queues queues = new Queues(
                new QueueSettings(SIMPLE, "qwen3", 50, 1, 1, 3, Duration.ofSeconds(1), Duration.ofSeconds(1),
                        SHORT_TIMEOUT),
                TaskFixtures.queues(50).complex());
        return List.of(replica("replica-a", queues, SHORT_MARGIN, SHORT_REPLICA_TIMEOUT),
                replica("replica-b", queues, SHORT_MARGIN, SHORT_REPLICA_TIMEOUT));
    }

    @Test
    void theEpochIsKeptInRedisSoReplicasAndRestartsShareIt() {
        RedisStreamsTaskQueue first = (RedisStreamsTaskQueue) newQueue(TaskFixtures.queues(MAX_DEPTH), RESULT_TTL,
                clock);
        StoreEpoch epoch = first.epoch();
        first.close();
        opened.remove(first);

        RedisStreamsTaskQueue restarted = replica("replica-a", TaskFixtures.queues(MAX_DEPTH), Duration.ofSeconds(30),
                Duration.ofSeconds(10));
        RedisStreamsTaskQueue other = replica("replica-b", TaskFixtures.queues(MAX_DEPTH), Duration.ofSeconds(30),
                Duration.ofSeconds(10));

        assertThat(epoch.store()).isEqualTo("redis");
        assertThat(restarted.epoch()).isEqualTo(epoch);
        assertThat(other.epoch()).isEqualTo(epoch);
        restarted.housekeep();
        assertThat(restarted.epoch()).isEqualTo(epoch);
    }

    @Test
    void aRedisThatLostTheRegionsDataMakesANewEpochWhichARunningReplicaSeesAndServesOnAtItsNextTick() {
        RedisStreamsTaskQueue running = (RedisStreamsTaskQueue) newQueue(TaskFixtures.queues(MAX_DEPTH), RESULT_TTL,
                clock);
        StoreEpoch before = running.epoch();
        // What FLUSHALL does to the region, confined to this test's namespace (the test Redis is shared).
        redis.del(redis.keys(namespace.replace("{", "\\{").replace("}", "\\}") + ":*").toArray(String[]::new));

        running.housekeep();
        RedisStreamsTaskQueue started = replica("replica-b", TaskFixtures.queues(MAX_DEPTH), Duration.ofSeconds(30),
                Duration.ofSeconds(10));

        assertThat(running.epoch().id()).isNotEqualTo(before.id());
        assertThat(started.epoch()).isEqualTo(running.epoch());
        assertThat(running.epoch().lost(TaskId.next(TestRegion.ID, clock.instant(), new Random(3), before.id())))
                .isTrue();
        Task after = task(SIMPLE, "after the loss", null, clock);
        running.submit(after);
        assertThat(running.claim(SIMPLE)).map(Task::id).contains(after.id());
    }

    @Test
    void aPauseSetThroughOneReplicaIsSeenByAnother() {
        RedisStreamsTaskQueue a = (RedisStreamsTaskQueue) newQueue(TaskFixtures.queues(MAX_DEPTH), RESULT_TTL, clock);
        RedisStreamsTaskQueue b = replica("replica-b", TaskFixtures.queues(MAX_DEPTH), Duration.ofSeconds(30),
                Duration.ofSeconds(10));
        a.setPaused(SIMPLE, true);
        assertThat(b.pausedQueues()).containsExactly(SIMPLE);
        b.setPaused(SIMPLE, false);
        assertThat(a.pausedQueues()).isEmpty();
    }

    @Test
    void eachReplicaSeesTheRegionsLoadAsOfItsLastHeartbeat() {
        RedisStreamsTaskQueue a = (RedisStreamsTaskQueue) newQueue(TaskFixtures.queues(MAX_DEPTH), RESULT_TTL, clock);
        RedisStreamsTaskQueue b = replica("replica-b", TaskFixtures.queues(MAX_DEPTH), Duration.ofSeconds(30),
                Duration.ofSeconds(10));
        assertThat(a.regionLoad(new ReplicaLoad(1, 10))).isEqualTo(new RegionLoad(1, 10, 1));

        a.reportLoad(new ReplicaLoad(3, 10));
        a.housekeep();
        b.reportLoad(new ReplicaLoad(5, 20));
        b.housekeep();
        a.housekeep();

        assertThat(a.regionLoad(new ReplicaLoad(4, 10))).isEqualTo(new RegionLoad(9, 30, 2));
        assertThat(b.regionLoad(new ReplicaLoad(5, 20))).isEqualTo(new RegionLoad(8, 30, 2));
        assertThat(a.replicas()).filteredOn(r -> r.name().startsWith("replica-b-")).singleElement()
                .extracting(Replica::load).isEqualTo(new ReplicaLoad(5, 20));
    }

    @Test
    void poolBoundsSetThroughOneReplicaAreSeenByAnotherAndMalformedOnesIgnored() {
        RedisStreamsTaskQueue a = (RedisStreamsTaskQueue) newQueue(TaskFixtures.queues(MAX_DEPTH), RESULT_TTL, clock);
        RedisStreamsTaskQueue b = replica("replica-b", TaskFixtures.queues(MAX_DEPTH), Duration.ofSeconds(30),
                Duration.ofSeconds(10));
        a.setPoolBounds(SIMPLE, new PoolBounds(2, 6));
        assertThat(b.poolBounds()).containsEntry(SIMPLE, new PoolBounds(2, 6));

        redis.hset(namespace + ":bounds", SIMPLE, "6 2");
        assertThat(b.poolBounds()).isEmpty();
    }

    @Test
    void recentFailuresAreSharedByTheReplicasAndOutliveARestart() {
        RedisStreamsTaskQueue first = (RedisStreamsTaskQueue) newQueue(TaskFixtures.queues(MAX_DEPTH), RESULT_TTL, clock);
        Task task = first.submit(task(SIMPLE, "fails", null, clock)).task();
        first.claim(SIMPLE).orElseThrow();
        first.fail(task.id(), 1, TaskStatus.FAILED, new TaskError(TaskError.MODEL_ERROR, "model backend failed"));
        first.close();
        opened.remove(first);

        RedisStreamsTaskQueue restarted = replica("replica-b", TaskFixtures.queues(MAX_DEPTH), Duration.ofSeconds(30),
                Duration.ofSeconds(10));
        assertThat(restarted.recentFailures(5)).extracting(Task::id).containsExactly(task.id());
        assertThat(restarted.recentFailures(5).getFirst().lastError().message()).isEqualTo("model backend failed");
    }

    @Test
    void anotherReplicaFinishesTheTaskOfAReplicaThatStoppedHeartbeating() {
        List<RedisStreamsTaskQueue> replicas = quickReplicas();
        RedisStreamsTaskQueue lost = replicas.get(0);
        RedisStreamsTaskQueue survivor = replicas.get(1);
        Task submitted = lost.submit(task(SIMPLE, "orphaned", null, clock)).task();
        assertThat(lost.claim(SIMPLE)).isPresent();

        // The lost replica never beats again; the survivor holds the lease and takes its attempt back.
        Task reclaimed = await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    survivor.housekeep();
                    return survivor.claim(SIMPLE);
                }, Optional::isPresent).orElseThrow();

        assertThat(reclaimed.id()).isEqualTo(submitted.id());
        assertThat(reclaimed.attempts()).isEqualTo(2);
        assertThat(lost.succeed(submitted.id(), 1, RESULT)).as("the lost attempt's late answer").isEmpty();
        assertThat(survivor.succeed(submitted.id(), 2, RESULT).orElseThrow().status())
                .isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(redis.xpending(namespace + ":stream:" + SIMPLE, RedisStreamsTaskQueue.GROUP).getCount())
                .isZero();
    }

    @Test
    void neverTakesATaskWhoseWorkerKeepsHeartbeating() {
        // Timeouts a loaded machine's pauses fit in: a worker that heartbeats every 50 ms would have
        // to stall for seconds before the other replica could take its task with any right.
        Duration taskTimeout = Duration.ofSeconds(1);
        Duration margin = Duration.ofSeconds(1);
        Duration replicaTimeout = Duration.ofSeconds(2);
        Queues queues = new Queues(
                new QueueSettings(SIMPLE, "qwen3", 50, 1, 1, 3, Duration.ofSeconds(1), Duration.ofSeconds(1),
                        taskTimeout),
                TaskFixtures.queues(50).complex());
        RedisStreamsTaskQueue alive = replica("replica-a", queues, margin, replicaTimeout);
        RedisStreamsTaskQueue other = replica("replica-b", queues, margin, replicaTimeout);
        alive.submit(task(SIMPLE, "long", null, clock));
        Task running = alive.claim(SIMPLE).orElseThrow();

        // Three reclaim idle times long, the other replica finds nothing to take.
        await().during(taskTimeout.plus(margin).multipliedBy(3)).atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    alive.housekeep();
                    other.housekeep();
                    return alive.heartbeat(running.id(), 1).isPresent() && other.claim(SIMPLE).isEmpty();
                });

        assertThat(alive.succeed(running.id(), 1, RESULT)).isPresent();
    }

    @Test
    void deadLettersATaskWhoseLastAttemptLostItsWorker() {
        List<RedisStreamsTaskQueue> replicas = quickReplicas();
        Task once = Task.accepted(TaskId.next(TestRegion.ID, clock.instant(), new Random(3)), SIMPLE, "kills workers",
                "qwen3", 1, null, clock.instant());
        replicas.get(0).submit(once);
        replicas.get(0).claim(SIMPLE).orElseThrow();

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
            replicas.get(1).housekeep();
            replicas.get(1).claim(SIMPLE);
            return replicas.get(1).find(once.id()).orElseThrow().status() == TaskStatus.DEAD_LETTERED;
        });

        assertThat(deadLetters()).extracting(message -> message.getBody().get("id")).containsExactly(
                once.id().toString());
        assertThat(replicas.get(1).stats(SIMPLE).deadLettered()).isEqualTo(1);
        assertThat(replicas.get(1).stats(SIMPLE).running()).isZero();
    }

    @Test
    void writesAPoisonTaskToTheDeadLetterStreamAndAcknowledgesIt() {
        queue.submit(task(SIMPLE, "poison", null, clock));
        Task running = queue.claim(SIMPLE).orElseThrow();

        queue.fail(running.id(), 1, TaskStatus.DEAD_LETTERED, ERROR);

        List<StreamMessage<String, String>> dead = deadLetters();
        assertThat(dead).hasSize(1);
        assertThat(dead.getFirst().getBody().get("id")).isEqualTo(running.id().toString());
        assertThat(dead.getFirst().getBody().get("task")).contains("dead_lettered").contains("model backend failed");
        assertThat(redis.xpending(namespace + ":stream:" + SIMPLE, RedisStreamsTaskQueue.GROUP).getCount()).isZero();
    }

    @Test
    void aTaskFailedWithoutRetryIsNotDeadLettered() {
        queue.submit(task(SIMPLE, "defect", null, clock));
        Task running = queue.claim(SIMPLE).orElseThrow();

        queue.fail(running.id(), 1, TaskStatus.FAILED, ERROR);

        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void twoReplicasNeverCreateTwoTasksForOneIdempotencyKey() {
        TaskQueue other = replica("replica-b", TaskFixtures.queues(MAX_DEPTH), Duration.ofSeconds(30), Duration.ofSeconds(10));
        Task first = queue.submit(task(SIMPLE, "once", "key-1", clock)).task();

        TaskQueue.Submission again = other.submit(task(SIMPLE, "once", "key-1", clock));

        assertThat(again.created()).isFalse();
        assertThat(again.task().id()).isEqualTo(first.id());
        assertThat(other.stats(SIMPLE).depth()).isEqualTo(1);
    }

    @Test
    void everyReplicaSeesACancellationMadeByAnother() {
        TaskQueue other = replica("replica-b", TaskFixtures.queues(MAX_DEPTH), Duration.ofSeconds(30), Duration.ofSeconds(10));
        List<Task> seen = new CopyOnWriteArrayList<>();
        queue.subscribe(seen::add);
        queue.submit(task(SIMPLE, "slow", null, clock));
        Task running = queue.claim(SIMPLE).orElseThrow();

        assertThat(other.cancel(running.id()).orElseThrow().cancelled()).isTrue();

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(seen).extracting(Task::status)
                .containsExactly(TaskStatus.QUEUED, TaskStatus.RUNNING, TaskStatus.CANCELLED));
        assertThat(queue.succeed(running.id(), 1, RESULT)).isEmpty();
    }

    @Test
    void keepsConsumingAfterItsConnectionsAreKilled() {
        RedisStreamsTaskQueue consumer = (RedisStreamsTaskQueue) queue;
        TaskQueue producer = replica("replica-b", TaskFixtures.queues(50), Duration.ofSeconds(30), Duration.ofSeconds(10));
        List<Task> heard = new CopyOnWriteArrayList<>();
        consumer.subscribe(heard::add);

        assertThat(killConnectionsOf(consumer)).as("connections killed (commands, claims and subscription)")
                .isEqualTo(3);

        // Changes made elsewhere reach this replica again once its subscription is back ...
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
            producer.submit(task(TaskFixtures.COMPLEX, "heard?", null, clock));
            return !heard.isEmpty();
        });
        // ... and it takes work from the stream again.
        Task submitted = producer.submit(task(SIMPLE, "after the outage", null, clock)).task();
        Task claimed = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .ignoreExceptions().until(() -> consumer.claim(SIMPLE), Optional::isPresent).orElseThrow();
        assertThat(claimed.id()).isEqualTo(submitted.id());
        assertThat(consumer.succeed(claimed.id(), 1, RESULT)).isPresent();
    }

    @Test
    void aFinishedTaskAndItsKeyExpireInRedisAfterTheResultTtl() {
        Task submitted = queue.submit(task(SIMPLE, "once", "key-ttl", clock)).task();
        Task running = queue.claim(SIMPLE).orElseThrow();
        String taskKey = namespace + ":task:" + submitted.id();
        assertThat(redis.pttl(taskKey)).as("no expiry while the task runs").isEqualTo(-1);

        queue.succeed(running.id(), 1, RESULT);

        assertThat(redis.pttl(taskKey)).isPositive().isLessThanOrEqualTo(RESULT_TTL.toMillis());
        assertThat(redis.pttl(namespace + ":idem:key-ttl")).isPositive().isLessThanOrEqualTo(RESULT_TTL.toMillis());
    }

    @Test
    void aTenantsKeyLivesUnderTheTenantsNameAndExpiresWithItsTask() {
        Task submitted = queue.submit(task(SIMPLE, "once", "key-ttl", clock).withTenant("acme")).task();
        String tenantKey = namespace + ":idem@acme:key-ttl";
        assertThat(redis.get(tenantKey)).isEqualTo(submitted.id().toString());
        assertThat(redis.exists(namespace + ":idem:key-ttl")).as("no key in the anonymous tenant's names").isZero();

        queue.succeed(queue.claim(SIMPLE).orElseThrow().id(), 1, RESULT);

        assertThat(redis.pttl(tenantKey)).isPositive().isLessThanOrEqualTo(RESULT_TTL.toMillis());
    }

    @Test
    void aTaskStoredBeforeTasksHadTenantsIsTheAnonymousTenantsAndItsKeyStillFindsIt() {
        Task submitted = queue.submit(task(SIMPLE, "stored by an older version", "old-key", clock)).task();
        String taskKey = namespace + ":task:" + submitted.id();
        // What an older version wrote: the same JSON without a tenant.
        JsonMapper mapper = JsonMapper.builder().build();
        tools.jackson.databind.node.ObjectNode stored =
                (tools.jackson.databind.node.ObjectNode) mapper.readTree(redis.hget(taskKey, "json"));
        assertThat(stored.has("tenant")).as("the field an older version lacks").isTrue();
        stored.remove("tenant");
        redis.hset(taskKey, "json", mapper.writeValueAsString(stored));

        assertThat(queue.find(submitted.id())).map(Task::tenant).contains(TenantHeaders.ANONYMOUS);
        assertThat(queue.findByIdempotencyKey(TenantHeaders.ANONYMOUS, "old-key")).map(Task::id).contains(submitted.id());
        assertThat(queue.findByIdempotencyKey("acme", "old-key")).isEmpty();
        assertThat(queue.submit(task(SIMPLE, "again", "old-key", clock)).created()).isFalse();
        Task done = queue.succeed(queue.claim(SIMPLE).orElseThrow().id(), 1, RESULT).orElseThrow();
        assertThat(done.tenant()).isEqualTo(TenantHeaders.ANONYMOUS);
        assertThat(redis.pttl(namespace + ":idem:old-key")).isPositive().isLessThanOrEqualTo(RESULT_TTL.toMillis());
    }

    @Test
    void anotherReplicaReadsEveryFieldOfAChatTask() {
        TaskQueue other = replica("replica-b", TaskFixtures.queues(MAX_DEPTH), Duration.ofSeconds(30), Duration.ofSeconds(10));
        Task chat = task(SIMPLE, "hi", null, clock).withChat(
                List.of(new ChatMessage(ChatMessage.SYSTEM, "be brief"), new ChatMessage(ChatMessage.USER, "hi")),
                true, "qwen3:14b").withTenant("acme");
        queue.submit(chat);

        assertThat(other.find(chat.id())).contains(chat);
        Task running = other.claim(SIMPLE).orElseThrow();
        assertThat(running.messages()).isEqualTo(chat.messages());
        assertThat(running.stream()).isTrue();
        assertThat(running.requestedModel()).isEqualTo("qwen3:14b");
        assertThat(running.tenant()).isEqualTo("acme");
    }

    @Test
    void anotherReplicaRunsAChatTaskWithItsParametersAndReadsItsToolCalls() {
        TaskQueue other = replica("replica-b", TaskFixtures.queues(MAX_DEPTH), Duration.ofSeconds(30), Duration.ofSeconds(10));
        ToolCall call = new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}");
        ChatParameters parameters = new ChatParameters(0.2, null, List.of("END"), 7, null, 0.5,
                ChatParameters.ResponseFormat.JSON_OBJECT,
                List.of(new ChatParameters.Tool("get_weather", null, "{\"type\":\"object\"}")),
                new ChatParameters.ToolChoice(ChatParameters.ToolChoice.AUTO, null), false);
        Task chat = task(SIMPLE, "hi", null, clock).withChat(List.of(new ChatMessage(ChatMessage.USER, "Weather?"),
                        new ChatMessage(ChatMessage.ASSISTANT, "", List.of(call), null),
                        new ChatMessage(ChatMessage.TOOL, "18 C", List.of(), "call_1")), false, null)
                .withParameters(parameters);
        queue.submit(chat);

        Task running = other.claim(SIMPLE).orElseThrow();
        other.succeed(running.id(), running.attempts(), TaskResult.of(new Completion("", "qwen3", "ollama",
                TokenUsage.of(9, 4), Completion.TOOL_CALLS, List.of(call))));

        assertThat(running.parameters()).isEqualTo(parameters);
        assertThat(running.messages()).isEqualTo(chat.messages());
        Task done = queue.find(chat.id()).orElseThrow();
        assertThat(done.result().finishReason()).isEqualTo(Completion.TOOL_CALLS);
        assertThat(done.result().toolCalls()).containsExactly(call);
    }

    @Test
    void oneReplicaHoldsTheLeaseAndTheNextTakesItWithALargerTokenWhenItLapses() {
        // A lease of 3 s (half the replica timeout): long enough that a loaded machine does not let
        // it lapse between the two replicas' first ticks, which a 200 ms lease did.
        Queues queues = TaskFixtures.queues(50);
        RedisStreamsTaskQueue first = replica("replica-a", queues, SHORT_MARGIN, Duration.ofSeconds(6));
        RedisStreamsTaskQueue second = replica("replica-b", queues, SHORT_MARGIN, Duration.ofSeconds(6));
        first.housekeep();
        second.housekeep();
        String firstLease = redis.get(namespace + ":lease");
        assertThat(firstLease).endsWith("/" + first.consumer());
        assertThat(second.replicas()).extracting(Replica::name, Replica::live, Replica::housekeeper)
                .containsExactlyInAnyOrder(tuple(first.consumer(), true, true), tuple(second.consumer(), true, false));

        // The holder falls silent: its lease lapses after half the replica timeout and the other takes it.
        String secondLease = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            second.housekeep();
            return redis.get(namespace + ":lease");
        }, lease -> lease != null && lease.endsWith("/" + second.consumer()));
        assertThat(token(secondLease)).isGreaterThan(token(firstLease));
    }

    @Test
    void aHousekeeperWhoseLeaseLapsedTakesNothingBack() {
        Queues queues = TaskFixtures.queues(50);
        RedisStreamsTaskQueue lost = replica("lost", queues, SHORT_MARGIN, SHORT_REPLICA_TIMEOUT);
        lost.submit(task(SIMPLE, "orphaned", null, clock));
        lost.claim(SIMPLE).orElseThrow();
        RedisHousekeeping paused = housekeeping("paused");
        RedisHousekeeping next = housekeeping("next");
        String stale = paused.beat();
        assertThat(stale).isNotNull();

        // "paused" stops (a long GC, a partition); its lease lapses and "next" takes it.
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(next::beat, lease -> lease != null);
        // Both replica timeouts pass: "lost", which never beat, has been silent long enough.
        await().pollDelay(SHORT_REPLICA_TIMEOUT).atMost(Duration.ofSeconds(5)).until(() -> true);
        String current = next.beat();

        assertThat(current).isNotNull().isNotEqualTo(stale);
        assertThat(paused.takeBack(stale)).as("fenced off").isZero();
        assertThat(pendingOf(lost.consumer())).isEqualTo(1);
        assertThat(next.takeBack(current)).isEqualTo(1);
        assertThat(pendingOf(lost.consumer())).isZero();
    }

    @Test
    void aHousekeeperWhoseLeaseLapsedForgetsNoTask() {
        Task finished = queue.submit(task(SIMPLE, "done", null, clock)).task();
        queue.succeed(queue.claim(SIMPLE).orElseThrow().id(), 1, RESULT);
        clock.advance(RESULT_TTL);
        redis.set(namespace + ":lease", "999999/someone-else");

        assertThat(queue.housekeep()).isZero();
        assertThat(redis.exists(namespace + ":task:" + finished.id())).isEqualTo(1);
    }

    @Test
    void listsALostReplicaThenForgetsItOnceNothingOfItsIsPending() {
        List<RedisStreamsTaskQueue> replicas = quickReplicas();
        RedisStreamsTaskQueue lost = replicas.get(0);
        RedisStreamsTaskQueue survivor = replicas.get(1);
        lost.housekeep();
        lost.submit(task(SIMPLE, "orphaned", null, clock));
        lost.claim(SIMPLE).orElseThrow();

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            survivor.housekeep();
            assertThat(survivor.replicas()).extracting(Replica::name, Replica::live)
                    .contains(tuple(lost.consumer(), false), tuple(survivor.consumer(), true));
        });
        Duration forgetAfter = SHORT_REPLICA_TIMEOUT.multipliedBy(RedisHousekeeping.FORGET_AFTER);
        await().atMost(forgetAfter.plusSeconds(5)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            survivor.housekeep();
            survivor.claim(SIMPLE).ifPresent(task -> survivor.succeed(task.id(), task.attempts(), RESULT));
            assertThat(survivor.replicas()).extracting(Replica::name).containsExactly(survivor.consumer());
        });
        assertThat(redis.xinfoConsumers(namespace + ":stream:" + SIMPLE, RedisStreamsTaskQueue.GROUP).toString())
                .doesNotContain(lost.consumer());
    }

    @Test
    void eachLiveReplicaSizesItsPoolsForAnEqualPartOfTheBacklog() {
        List<RedisStreamsTaskQueue> replicas = quickReplicas();
        // Twice round: the first to beat saw only itself alive.
        replicas.forEach(RedisStreamsTaskQueue::housekeep);
        replicas.forEach(RedisStreamsTaskQueue::housekeep);
        for (int i = 0; i < 5; i++) {
            replicas.get(0).submit(task(SIMPLE, "waiting " + i, null, clock));
        }
        QueueStats stats = replicas.get(0).stats(SIMPLE);

        assertThat(stats.ready()).isEqualTo(5);
        assertThat(replicas).allSatisfy(replica -> assertThat(replica.readyShare(stats)).isEqualTo(3));
    }

    private RedisHousekeeping housekeeping(String name) {
        RedisCommands<String, String> commands = admin.connect().sync();
        return new RedisHousekeeping(commands, new RedisScripts(commands), JsonMapper.builder().build(),
                new RedisKeys(namespace), name, SHORT_REPLICA_TIMEOUT, List.of(new RedisHousekeeping.Backlog(
                        namespace + ":stream:" + SIMPLE, Duration.ofMinutes(1))), clock);
    }

    private long pendingOf(String consumer) {
        return redis.xpending(namespace + ":stream:" + SIMPLE, new XPendingArgs<String>()
                .group(RedisStreamsTaskQueue.GROUP).range(Range.unbounded()).limit(Limit.from(10))
                .consumer(io.lettuce.core.Consumer.from(RedisStreamsTaskQueue.GROUP, consumer))).size();
    }

    private static long token(String lease) {
        return Long.parseLong(lease.substring(0, lease.indexOf('/')));
    }

    /** Kills this replica's connections only: the Redis may be shared with other tests. */
    private static int killConnectionsOf(RedisStreamsTaskQueue replica) {
        int killed = 0;
        for (String client : redis.clientList().split("\n")) {
            if (client.contains(" name=meridian-" + replica.consumer() + " ")) {
                String id = client.substring(client.indexOf("id=") + 3, client.indexOf(' '));
                killed += redis.clientKill(KillArgs.Builder.id(Long.parseLong(id))).intValue();
            }
        }
        return killed;
    }

    private List<StreamMessage<String, String>> deadLetters() {
        return redis.xrange(namespace + ":stream:" + SIMPLE + ":dead", Range.create("-", "+"));
    }
}
