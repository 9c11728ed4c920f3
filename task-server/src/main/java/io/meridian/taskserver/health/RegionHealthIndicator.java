package io.meridian.taskserver.health;

import io.meridian.protocol.ProtocolVersion;
import io.meridian.protocol.ReadinessDetails;
import io.meridian.taskserver.TaskServerProperties;
import io.meridian.taskserver.llm.ChatBackend;
import io.meridian.taskserver.llm.ModelTiers;
import io.meridian.taskserver.load.LoadTracker;
import io.meridian.taskserver.queue.QueueSettings;
import io.meridian.taskserver.queue.Queues;
import io.meridian.taskserver.queue.RegionLoad;
import io.meridian.taskserver.queue.ReplicaLoad;
import io.meridian.taskserver.queue.StoreEpoch;
import io.meridian.taskserver.queue.TaskQueue;
import io.meridian.taskserver.task.TaskProperties;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.info.BuildProperties;
import org.springframework.stereotype.Component;

/**
 * The {@code region} health component, part of readiness: always up, with what the gateway needs
 * to route: {@code region}, {@code backend}, {@code model} (the backend's default), {@code version}
 * (the build's, when known), {@code protocolVersion} (of the gateway-to-region API), and the load,
 * {@code inFlight} (tasks accepted and not finished) against {@code capacity}, summed over every
 * live replica of the region when they share Redis queues (their heartbeats carry each one's load,
 * so whichever replica answers, the gateway sees the region; {@code replicas} says how many were
 * summed), and {@code queueDepth}
 * (tasks waiting in all queues, retries included), and the region's limits: {@code syncWaitMillis}
 * ({@code meridian.tasks.sync-wait}), {@code modelTimeoutMillis} (the longest task timeout of its
 * queues), and its task store's {@code epoch} and {@code store} ({@code memory} or {@code redis}),
 * by which the gateway sizes its deadlines and tells a lost task. It reports identity and load, not the model server's
 * reachability: a model server that is down makes requests fail with 502, not this server unready.
 * Under {@code tiers} it adds each model tier's backend, model, fallback and endpoints, each
 * {@code up} or {@code down} as the tier's calls last found it (see {@code meridian.model.tiers}):
 * for operators, not the gateway, which ignores the key.
 * The keys and their forms are the protocol's {@link ReadinessDetails}, which the gateway reads.
 */
@Component
class RegionHealthIndicator implements HealthIndicator {

    private final TaskServerProperties server;
    /** Key of the live replicas whose load {@code inFlight} and {@code capacity} sum: for operators. */
    static final String REPLICAS = "replicas";

    /** Key of the model tiers' details: tier → backend, model, fallback and each endpoint's state. */
    static final String TIERS = "tiers";

    private final ChatBackend backend;

    private final ModelTiers tiers;
    private final LoadTracker load;
    private final @Nullable String version;

    private final Queues queues;

    private final TaskQueue queue;

    private final Duration syncWait;

    private final Duration modelTimeout;

    RegionHealthIndicator(TaskServerProperties server, ChatBackend backend, ModelTiers tiers, LoadTracker load,
            Queues queues, TaskQueue queue, TaskProperties tasks, ObjectProvider<BuildProperties> build) {
        this.tiers = tiers;
        this.server = server;
        this.syncWait = tasks.syncWait();
        this.modelTimeout = queues.all().stream().map(QueueSettings::taskTimeout).max(Duration::compareTo)
                .orElse(Duration.ZERO);
        this.queues = queues;
        this.queue = queue;
        this.backend = backend;
        this.load = load;
        BuildProperties properties = build.getIfAvailable();
        this.version = properties == null ? null : properties.getVersion();
    }

    @Override
    public Health health() {
        RegionLoad region = queue.regionLoad(new ReplicaLoad(load.inFlight(), load.capacity()));
        ReadinessDetails details = new ReadinessDetails(server.region(), backend.name(), backend.defaultModel(),
                version, ProtocolVersion.CURRENT, region.inFlight(), region.capacity(), queueDepth(), limits());
        Health.Builder health = Health.up().withDetails(details.toMap()).withDetail(REPLICAS, region.replicas());
        if (tiers.isPrimary(backend)) {
            health.withDetail(TIERS, tiers.health());
        }
        return health.build();
    }

    private ReadinessDetails.Limits limits() {
        StoreEpoch epoch = queue.epoch();
        return new ReadinessDetails.Limits(syncWait.toMillis(), modelTimeout.toMillis(), epoch.id(), epoch.store());
    }

    private int queueDepth() {
        return queues.all().stream().map(QueueSettings::name).mapToInt(name -> queue.stats(name).depth()).sum();
    }
}
