package io.meridian.taskserver.queue;

import io.meridian.taskserver.llm.ChatBackend;
import io.meridian.taskserver.llm.ModelProperties;
import io.meridian.taskserver.llm.ModelTiers;
import io.meridian.taskserver.task.TaskProperties;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The queues' settings, the classifier and the in-memory queue backend (unless
 * {@code meridian.queues.backend=redis}: see
 * {@code io.meridian.taskserver.queue.redis.RedisQueueConfiguration}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({QueuesProperties.class, TaskProperties.class})
class QueueConfiguration {

    private static final Logger log = LoggerFactory.getLogger(QueueConfiguration.class);

    @Bean
    Queues queues(QueuesProperties properties, ModelProperties model, ChatBackend backend, ModelTiers tiers) {
        if (tiers.isPrimary(backend)) {
            // Each queue asks its tier's model: meridian.model.tiers.*.model, else the queue's, else the backend's.
            return properties.queues(model.timeout(), tiers.simple().defaultModel(), tiers.complex().defaultModel());
        }
        return properties.queues(model.timeout(), backend.defaultModel());
    }

    @Bean
    @ConditionalOnMissingBean
    QueueClassifier queueClassifier(Queues queues, TaskProperties tasks) {
        return new QueueClassifier(queues, tasks.complexQueryLength());
    }

    @Bean
    @ConditionalOnMissingBean(TaskQueue.class)
    @ConditionalOnProperty(prefix = QueuesProperties.PREFIX, name = "backend", havingValue = "memory",
            matchIfMissing = true)
    TaskQueue inMemoryTaskQueue(Queues queues, TaskProperties tasks, Clock clock) {
        TaskQueue queue = TaskQueue.inMemory(queues, tasks.resultTtl(), tasks.maxFinishedInMemory(), clock);
        log.warn("Queues in memory (store epoch {}): tasks and their answers do not survive a restart or kill "
                + "of this task server; set {}.backend=redis and {}.url to keep them", queue.epoch().id(),
                QueuesProperties.PREFIX, RedisQueueProperties.PREFIX);
        return queue;
    }

    /**
     * {@code meridian.tasks.forgotten} (tag {@code reason=capacity}): finished tasks the in-memory
     * queues forgot before their result TTL because they held {@code meridian.tasks.max-finished-in-memory}.
     */
    @Bean
    @ConditionalOnProperty(prefix = QueuesProperties.PREFIX, name = "backend", havingValue = "memory",
            matchIfMissing = true)
    MeterBinder inMemoryForgottenTasks(TaskQueue queue) {
        return registry -> {
            if (queue instanceof InMemoryTaskQueue memory) {
                FunctionCounter.builder("meridian.tasks.forgotten", memory, InMemoryTaskQueue::forgottenEarly)
                        .description("Finished tasks forgotten before their result TTL")
                        .tag("reason", "capacity").register(registry);
            }
        };
    }
}
