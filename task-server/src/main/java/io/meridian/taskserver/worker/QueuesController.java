package io.meridian.taskserver.worker;

import io.meridian.taskserver.TaskServerProperties;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /v1/queues}: each queue with its backlog, its pool and its counts since start, the
 * dashboard view of this region.
 */
@RestController
class QueuesController {

    private final WorkerPools pools;

    private final String region;

    QueuesController(WorkerPools pools, TaskServerProperties server) {
        this.pools = pools;
        this.region = server.region();
    }

    @GetMapping(path = "/v1/queues", produces = MediaType.APPLICATION_JSON_VALUE)
    QueuesView queues() {
        return new QueuesView(region, pools.stats().stream().map(QueueView::of).toList());
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
     */
    record QueueView(String name, String model, int depth, int maxDepth, int inFlight, Workers workers,
            long completed, long failed, long retried, long deadLettered, long cancelled) {

        static QueueView of(PoolStats pool) {
            return new QueueView(pool.settings().name(), pool.settings().model(), pool.queue().depth(),
                    pool.settings().maxDepth(), pool.queue().running(),
                    new Workers(pool.currentWorkers(), pool.minWorkers(), pool.maxWorkers()),
                    pool.queue().completed(), pool.queue().failed(), pool.queue().retried(),
                    pool.queue().deadLettered(), pool.queue().cancelled());
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
