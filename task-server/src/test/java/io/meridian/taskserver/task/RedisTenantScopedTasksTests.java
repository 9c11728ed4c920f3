package io.meridian.taskserver.task;

import io.meridian.testing.TestRedis;
import java.util.UUID;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Tenant-scoped tasks on the Redis Streams queue, where the tenant travels in the stored task. */
class RedisTenantScopedTasksTests extends TenantScopedTasksContract {

    private static final String PREFIX = "meridian-test-" + UUID.randomUUID();

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("meridian.queues.backend", () -> "redis");
        registry.add("meridian.redis.url", TestRedis::url);
        registry.add("meridian.redis.key-prefix", () -> PREFIX);
    }
}
