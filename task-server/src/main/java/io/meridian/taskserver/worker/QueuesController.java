package io.meridian.taskserver.worker;

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
        return queue.call(() -> new QueuesView(region, pools.stats().stream().map(QueueView::of).toList()));
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
    record QueuesView(String region, List<QueueView> queues) {
    }

    /**
     * One queue.
     *
     * @param name         the queue's name
     * @param model        its default model
     * @param depth        tasks waiting, retries included
     * @param maxDepth     its bound
     * @param inFlight     tasks running
     * @param workers      its pool's size
     * @param completed    tasks that succeeded
     * @param failed       tasks that failed without retry
     * @param retried      attempts that failed and were queued again
     * @param deadLettered tasks whose every attempt failed
     * @param cancelled    tasks cancelled by clients
     * @param rates        outcomes per second over the last minute
     * @param paused       whether this replica's pool takes no new tasks (an operator paused it)
     */
    record QueueView(String name, String model, int depth, int maxDepth, int inFlight, Workers workers,
            long completed, long failed, long retried, long deadLettered, long cancelled, QueueRates.Rates rates,
            boolean paused) {

        static QueueView of(PoolStats pool) {
            return new QueueView(pool.settings().name(), pool.settings().model(), pool.queue().depth(),
                    pool.settings().maxDepth(), pool.queue().running(),
                    new Workers(pool.currentWorkers(), pool.minWorkers(), pool.maxWorkers()),
                    pool.queue().completed(), pool.queue().failed(), pool.queue().retried(),
                    pool.queue().deadLettered(), pool.queue().cancelled(), pool.rates(), pool.paused());
        }
    }

    /**
     * A pool's size.
     *
     * @param current workers now
     * @param min     fewest
     * @param max     most
     */
    record Workers(int current, int min, int max) {
    }
}
