package io.meridian.taskserver.worker;

import io.meridian.taskserver.queue.QueueSettings;
import io.meridian.taskserver.queue.Queues;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The queues and worker pools of this task server as Prometheus sees them, read from the pools'
 * own statistics (the same numbers as {@code GET /v1/queues}), per queue:
 * {@code meridian.queue.depth}, {@code meridian.queue.ready}, {@code meridian.queue.in.flight},
 * {@code meridian.workers} (tag {@code bound}: current, min, max) and the counters
 * {@code meridian.tasks} (tag {@code outcome}: completed, failed, retried, dead_lettered,
 * cancelled). With Redis the queue figures are the region's, shared by its replicas; the workers
 * are this replica's.
 *
 * <p>Design note: the meters are bound from the configured queues, so start-up never asks the
 * queue store (Redis may be down then); the statistics of every queue are read at most once a
 * second, whatever the number of meters and scrapers, since with Redis a read costs round trips.
 * While the store is unreachable the figures are NaN (absent), never stale.
 */
final class QueueMetrics implements MeterBinder {

    private final WorkerPools pools;
    private final Queues queues;
    private final Clock clock;
    private volatile List<PoolStats> snapshot = List.of();
    private volatile long takenAt;

    QueueMetrics(WorkerPools pools, Queues queues, Clock clock) {
        this.pools = pools;
        this.queues = queues;
        this.clock = clock;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (QueueSettings settings : queues.all()) {
            String queue = settings.name();
            gauge(registry, "meridian.queue.depth", queue, "Tasks waiting, retries included", s -> s.queue().depth());
            gauge(registry, "meridian.queue.ready", queue, "Tasks ready to run now", s -> s.queue().ready());
            gauge(registry, "meridian.queue.in.flight", queue, "Tasks running", s -> s.queue().running());
            workers(registry, queue, "current", PoolStats::currentWorkers);
            workers(registry, queue, "min", PoolStats::minWorkers);
            workers(registry, queue, "max", PoolStats::maxWorkers);
            outcome(registry, queue, "completed", s -> s.queue().completed());
            outcome(registry, queue, "failed", s -> s.queue().failed());
            outcome(registry, queue, "retried", s -> s.queue().retried());
            outcome(registry, queue, "dead_lettered", s -> s.queue().deadLettered());
            outcome(registry, queue, "cancelled", s -> s.queue().cancelled());
        }
    }

    private void gauge(MeterRegistry registry, String name, String queue, String description, ToDoubleFunction<PoolStats> value) {
        Gauge.builder(name, this, metrics -> metrics.read(queue, value)).description(description).tag("queue", queue)
                .register(registry);
    }

    private void workers(MeterRegistry registry, String queue, String bound, ToDoubleFunction<PoolStats> value) {
        Gauge.builder("meridian.workers", this, metrics -> metrics.read(queue, value))
                .description("Workers of the queue's pool on this replica: current, min and max")
                .tag("queue", queue).tag("bound", bound).register(registry);
    }

    private void outcome(MeterRegistry registry, String queue, String outcome, ToDoubleFunction<PoolStats> value) {
        FunctionCounter.builder("meridian.tasks", this, metrics -> metrics.read(queue, value))
                .description("Tasks by how their attempts ended").tag("queue", queue).tag("outcome", outcome)
                .register(registry);
    }

    private double read(String queue, ToDoubleFunction<PoolStats> value) {
        long now = clock.millis();
        if (now - takenAt >= 1_000) {
            takenAt = now;
            try {
                snapshot = pools.stats();
            } catch (RuntimeException ex) {
                snapshot = List.of(); // the queue store is unreachable: no figure rather than a stale one
            }
        }
        for (PoolStats pool : snapshot) {
            if (pool.settings().name().equals(queue)) {
                return value.applyAsDouble(pool);
            }
        }
        return Double.NaN;
    }
}
