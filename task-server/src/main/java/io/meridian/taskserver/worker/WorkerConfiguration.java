package io.meridian.taskserver.worker;

import io.meridian.taskserver.llm.ChatBackend;
import io.meridian.taskserver.llm.ModelTiers;
import io.meridian.taskserver.load.LoadTracker;
import io.meridian.taskserver.queue.QueueSettings;
import io.meridian.taskserver.queue.Queues;
import io.meridian.taskserver.queue.ReplicaLoad;
import io.meridian.taskserver.queue.TaskQueue;
import io.meridian.taskserver.taskapi.TaskTokens;
import io.meridian.taskserver.tracing.TaskTracing;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import java.util.random.RandomGenerator;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** One worker pool per queue, each asking its queue's model tier, ticked by one dispatcher thread. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({WorkerProperties.class, TaskLogProperties.class})
class WorkerConfiguration {

    @Bean
    QueueMetrics queueMetrics(WorkerPools pools, Queues queues, Clock clock) {
        return new QueueMetrics(pools, queues, clock);
    }

    @Bean
    ScalingHold scalingHold(WorkerProperties workers, Clock clock,
            org.springframework.beans.factory.ObjectProvider<io.micrometer.core.instrument.MeterRegistry> registry) {
        ScalingHold hold = new ScalingHold(clock, workers.scalingHold());
        registry.ifAvailable(hold::register);
        return hold;
    }

    @Bean
    ScalingHoldFilter scalingHoldFilter(ScalingHold hold) {
        return new ScalingHoldFilter(hold);
    }

    @Bean
    ScalingEndpoint scalingEndpoint(ScalingHold hold, TaskQueue queue, LoadTracker load) {
        return new ScalingEndpoint(hold, queue, load);
    }

    @Bean
    WorkerPools workerPools(Queues queues, TaskQueue queue, ChatBackend backend, ModelTiers tiers,
            WorkerProperties workers, Clock clock, TaskTokens tokens, TaskTracing tracing, TaskLogProperties logging,
            LoadTracker load, ScalingHold hold) {
        TaskLog taskLog = new TaskLog(logging);
        Dispatcher dispatcher = new Dispatcher();
        RandomGenerator jitter = workers.retryJitterSeed() != null ? new Random(workers.retryJitterSeed())
                : new Random();
        List<WorkerPool> pools = queues.all().stream()
                .map(settings -> pool(settings, queue, backendOf(settings, queues, backend, tiers), workers, clock, jitter,
                        dispatcher, tokens, tracing, taskLog, hold))
                .toList();
        return new WorkerPools(pools, queue, dispatcher, () -> new ReplicaLoad(load.inFlight(), load.capacity()),
                workers.tick().toMillis(), workers.shutdownGrace());
    }

    /**
     * The backend a queue's workers ask: its tier's, unless the application replaced the region's
     * {@link ChatBackend}, which then answers both queues.
     */
    private static ChatBackend backendOf(QueueSettings settings, Queues queues, ChatBackend backend, ModelTiers tiers) {
        if (!tiers.isPrimary(backend)) {
            return backend;
        }
        return settings.name().equals(queues.complex().name()) ? tiers.complex() : tiers.simple();
    }

    private static WorkerPool pool(QueueSettings settings, TaskQueue queue, ChatBackend backend,
            WorkerProperties workers, Clock clock, RandomGenerator jitter, Dispatcher dispatcher, TaskTokens tokens,
            TaskTracing tracing, TaskLog taskLog, ScalingHold hold) {
        return new WorkerPool(settings, queue, backend,
                new Autoscaler(settings.minWorkers(), settings.maxWorkers(), workers.scaleDownDelay(), clock, hold),
                new RetryBackoff(settings.retryDelay(), settings.maxRetryDelay(), jitter),
                workers.heartbeatInterval(), clock, dispatcher, tokens, tracing, taskLog);
    }
}
