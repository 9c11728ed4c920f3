package io.meridian.taskserver.worker;

import io.meridian.protocol.QueueSnapshot;
import io.meridian.taskserver.TaskServerProperties;
import io.meridian.taskserver.queue.Replica;
import io.meridian.taskserver.queue.ReactiveTaskQueue;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code GET /v1/queues}: each queue with its backlog, its pool and its counts since start, the
 * dashboard view of this region; {@code GET /v1/replicas}: the processes sharing the queues.
 */
@RestController
class QueuesController {

    private final WorkerPools pools;

    private final ReactiveTaskQueue queue;

    private final String region;

    QueuesController(WorkerPools pools, ReactiveTaskQueue queue, TaskServerProperties server) {
        this.pools = pools;
        this.queue = queue;
        this.region = server.region();
    }

    @GetMapping(path = "/v1/queues", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<QueuesView> queues() {
        // The pools' figures read the queue.
        return queue.call(() -> new QueuesView(region, pools.stats().stream().map(QueuesController::snapshot).toList()));
    }

    /**
     * The replicas of this region: with Redis, every process that shares its queues, live or
     * recently lost, and which one holds the housekeeping lease.
     *
     * @return the region and its replicas
     */
    @GetMapping(path = "/v1/replicas", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ReplicasView> replicas() {
        return queue.replicas().map(replicas -> new ReplicasView(region, replicas));
    }

    /**
     * The replicas.
     *
     * @param region   this server's region
     * @param replicas live ones first
     */
    record ReplicasView(String region, List<Replica> replicas) {
    }

    /**
     * The answer.
     *
     * @param region this server's region
     * @param queues one entry per queue
     */
    record QueuesView(String region, List<QueueSnapshot> queues) {
    }

    /** One queue, as the protocol's {@link QueueSnapshot}. */
    static QueueSnapshot snapshot(PoolStats pool) {
        QueueRates.Rates rates = pool.rates();
        return new QueueSnapshot(pool.settings().name(), pool.settings().model(), pool.queue().depth(),
                pool.settings().maxDepth(), pool.queue().running(),
                new QueueSnapshot.Workers(pool.currentWorkers(), pool.minWorkers(), pool.maxWorkers()),
                pool.queue().completed(), pool.queue().failed(), pool.queue().retried(),
                pool.queue().deadLettered(), pool.queue().cancelled(),
                new QueueSnapshot.Rates(rates.completed(), rates.failed(), rates.retried(), rates.deadLettered()),
                pool.paused());
    }
}
