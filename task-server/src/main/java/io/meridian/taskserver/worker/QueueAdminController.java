package io.meridian.taskserver.worker;

import io.meridian.protocol.QueueSnapshot;
import io.meridian.taskserver.admin.AdminToken;
import io.meridian.taskserver.queue.PoolBounds;
import io.meridian.taskserver.queue.ReactiveTaskQueue;
import io.meridian.taskserver.web.ApiException;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The operator's control over the region's worker pools, behind the admin token:
 * {@code POST /v1/admin/queues/{queue}/pause} and {@code .../resume},
 * {@code PUT /v1/admin/queues/{queue}/workers} with {@code {"min":2,"max":8}}, and
 * {@code DELETE /v1/admin/queues/{queue}/workers} for the configured bounds again.
 *
 * <p>Pausing stops the queue's pools from taking new tasks; submits are still accepted and
 * queued, and running attempts finish. Both the pause state and the pool bounds are kept by the
 * queue backend: with Redis every replica of the region obeys them (from its next tick), whichever
 * replica the call reached, and they outlive restarts; in memory they are this process's. The
 * bounds are each replica's: {@code max} 8 on three replicas lets the region run 24 workers.
 */
@RestController
class QueueAdminController {

    private final WorkerPools pools;

    private final AdminToken token;

    private final ReactiveTaskQueue tasks;

    QueueAdminController(WorkerPools pools, AdminToken token, ReactiveTaskQueue tasks) {
        this.pools = pools;
        this.token = token;
        this.tasks = tasks;
    }

    @PostMapping(path = "/v1/admin/queues/{queue}/pause", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<QueueControl> pause(@PathVariable String queue,
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) @Nullable String authorization) {
        return paused(queue, authorization, true);
    }

    @PostMapping(path = "/v1/admin/queues/{queue}/resume", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<QueueControl> resume(@PathVariable String queue,
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) @Nullable String authorization) {
        return paused(queue, authorization, false);
    }

    /** Records the pause state in the queue (Redis: for every replica) and applies it here at once. */
    private Mono<QueueControl> paused(String queue, @Nullable String authorization, boolean paused) {
        token.check(authorization);
        WorkerPool pool = pool(queue);
        return tasks.call(() -> {
            tasks.backend().setPaused(queue, paused);
            pool.paused(paused);
            return QueueControl.of(pool);
        });
    }

    @PutMapping(path = "/v1/admin/queues/{queue}/workers", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<QueueControl> resize(@PathVariable String queue,
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) @Nullable String authorization,
            @RequestBody(required = false) @Nullable WorkerBounds bounds) {
        token.check(authorization);
        WorkerPool pool = pool(queue);
        if (bounds == null || bounds.min() == null) {
            throw invalid("min is required: {\"min\": 2, \"max\": 8}", "min");
        }
        if (bounds.max() == null) {
            throw invalid("max is required: {\"min\": 2, \"max\": 8}", "max");
        }
        if (bounds.min() < 1) {
            throw invalid("min must be at least 1, but was " + bounds.min(), "min");
        }
        if (bounds.max() < bounds.min()) {
            throw invalid("max must be at least min (" + bounds.min() + "), but was " + bounds.max(), "max");
        }
        PoolBounds shared = new PoolBounds(bounds.min(), bounds.max());
        // Recorded for every replica (Redis blocks), applied here at once; the others at their tick.
        return tasks.call(() -> {
            tasks.backend().setPoolBounds(queue, shared);
            pool.bounds(shared);
            return QueueControl.of(pool);
        });
    }

    @DeleteMapping(path = "/v1/admin/queues/{queue}/workers", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<QueueControl> configuredBounds(@PathVariable String queue,
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) @Nullable String authorization) {
        token.check(authorization);
        WorkerPool pool = pool(queue);
        return tasks.call(() -> {
            tasks.backend().setPoolBounds(queue, null);
            pool.bounds(null);
            return QueueControl.of(pool);
        });
    }

    private WorkerPool pool(String queue) {
        return pools.pool(queue).orElseThrow(() -> new ApiException("unknown_queue", 404,
                "no queue named '" + queue + "' on this server", "queue", null));
    }

    private static ApiException invalid(String message, String field) {
        return new ApiException("invalid_workers", 400, message, field, null);
    }

    /**
     * New pool bounds.
     *
     * @param min fewest workers, at least 1
     * @param max most workers, at least min
     */
    record WorkerBounds(@Nullable Integer min, @Nullable Integer max) {
    }

    /**
     * A queue's pool after an admin call.
     *
     * @param queue   the queue
     * @param paused  whether it takes no new tasks
     * @param workers its size and bounds
     */
    record QueueControl(String queue, boolean paused, QueueSnapshot.Workers workers) {

        static QueueControl of(WorkerPool pool) {
            PoolStats stats = pool.stats();
            return new QueueControl(pool.name(), stats.paused(),
                    new QueueSnapshot.Workers(stats.currentWorkers(), stats.minWorkers(), stats.maxWorkers()));
        }
    }
}
