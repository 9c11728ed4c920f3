package io.meridian.taskserver.queue.redis;

import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.meridian.taskserver.TaskServerProperties;
import io.meridian.taskserver.queue.Queues;
import io.meridian.taskserver.queue.QueuesProperties;
import io.meridian.taskserver.queue.RedisQueueProperties;
import io.meridian.taskserver.queue.TaskQueue;
import io.meridian.taskserver.task.TaskProperties;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The Redis Streams queue backend, when {@code meridian.queues.backend=redis}. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = QueuesProperties.PREFIX, name = "backend", havingValue = "redis")
@EnableConfigurationProperties(RedisQueueProperties.class)
class RedisQueueConfiguration {

    private static final Logger log = LoggerFactory.getLogger(RedisQueueConfiguration.class);

    @Bean
    @ConditionalOnMissingBean(TaskQueue.class)
    TaskQueue redisStreamsTaskQueue(RedisQueueProperties redis, Queues queues, TaskProperties tasks,
            TaskServerProperties server, Clock clock) {
        RedisURI uri = RedisURI.create(redis.url());
        uri.setTimeout(redis.commandTimeout());
        String consumer = redis.consumerName() != null ? redis.consumerName() : defaultConsumerName();
        try {
            RedisStreamsTaskQueue queue = new RedisStreamsTaskQueue(uri, redis.keyPrefix() + ":{" + server.region()
                    + "}", queues, tasks.resultTtl(), redis.reclaimMargin(), redis.replicaTimeout(), consumer, clock);
            log.info("Queues in Redis at {}:{} (store epoch {} since {}): tasks outlive this task server",
                    uri.getHost(), uri.getPort(), queue.epoch().id(), queue.epoch().startedAt());
            return queue;
        }
        catch (RedisException unreachable) {
            // Host and port only: the URL may hold a password.
            throw new IllegalStateException(RedisQueueProperties.PREFIX + ".url names Redis at " + uri.getHost() + ":"
                    + uri.getPort() + ", which cannot be used for the queues: " + unreachable.getMessage(), unreachable);
        }
    }

    /** Host, process and a random part: unique even for two replicas in one container or host. */
    private static String defaultConsumerName() {
        String host = System.getenv().getOrDefault("HOSTNAME", "host").replaceAll("[^A-Za-z0-9._-]", "");
        byte[] random = new byte[4];
        new SecureRandom().nextBytes(random);
        return (host.isEmpty() ? "host" : host) + "-" + ProcessHandle.current().pid() + "-"
                + HexFormat.of().formatHex(random);
    }
}
