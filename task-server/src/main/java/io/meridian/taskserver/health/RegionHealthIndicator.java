package io.meridian.taskserver.health;

import io.meridian.protocol.ProtocolVersion;
import io.meridian.protocol.ReadinessDetails;
import io.meridian.taskserver.TaskServerProperties;
import io.meridian.taskserver.llm.ChatBackend;
import io.meridian.taskserver.load.LoadTracker;
import io.meridian.taskserver.queue.QueueSettings;
import io.meridian.taskserver.queue.Queues;
import io.meridian.taskserver.queue.TaskQueue;
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
 * {@code inFlight} (tasks accepted and not finished) against {@code capacity}, and {@code queueDepth}
 * (tasks waiting in all queues, retries included). It reports identity and load, not the model server's
 * reachability: a model server that is down makes requests fail with 502, not this server unready.
 * The keys and their forms are the protocol's {@link ReadinessDetails}, which the gateway reads.
 */
@Component
class RegionHealthIndicator implements HealthIndicator {

    private final TaskServerProperties server;
    private final ChatBackend backend;
    private final LoadTracker load;
    private final @Nullable String version;

    private final Queues queues;

    private final TaskQueue queue;

    RegionHealthIndicator(TaskServerProperties server, ChatBackend backend, LoadTracker load, Queues queues,
            TaskQueue queue, ObjectProvider<BuildProperties> build) {
        this.server = server;
        this.queues = queues;
        this.queue = queue;
        this.backend = backend;
        this.load = load;
        BuildProperties properties = build.getIfAvailable();
        this.version = properties == null ? null : properties.getVersion();
    }

    @Override
    public Health health() {
        ReadinessDetails details = new ReadinessDetails(server.region(), backend.name(), backend.defaultModel(),
                version, ProtocolVersion.CURRENT, load.inFlight(), load.capacity(), queueDepth());
        return Health.up().withDetails(details.toMap()).build();
    }

    private int queueDepth() {
        return queues.all().stream().map(QueueSettings::name).mapToInt(name -> queue.stats(name).depth()).sum();
    }
}
