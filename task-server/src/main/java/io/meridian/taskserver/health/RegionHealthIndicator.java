package io.meridian.taskserver.health;

import io.meridian.taskserver.TaskServerProperties;
import io.meridian.taskserver.llm.ChatBackend;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The {@code region} health component: always up, with details {@code region}, {@code backend} and
 * {@code model} (the backend's default model). It reports identity, not reachability: a model
 * server that is down makes requests fail with 502, not this server unready.
 */
@Component
class RegionHealthIndicator implements HealthIndicator {

    private final Health health;

    RegionHealthIndicator(TaskServerProperties server, ChatBackend backend) {
        this.health = Health.up()
                .withDetail("region", server.region())
                .withDetail("backend", backend.name())
                .withDetail("model", backend.defaultModel())
                .build();
    }

    @Override
    public Health health() {
        return health;
    }
}
