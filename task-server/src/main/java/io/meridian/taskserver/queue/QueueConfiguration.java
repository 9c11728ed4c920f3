package io.meridian.taskserver.queue;

import io.meridian.taskserver.llm.ChatBackend;
import io.meridian.taskserver.llm.ModelProperties;
import io.meridian.taskserver.task.TaskProperties;
import java.time.Clock;
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

    @Bean
    Queues queues(QueuesProperties properties, ModelProperties model, ChatBackend backend) {
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
        return TaskQueue.inMemory(queues, tasks.resultTtl(), clock);
    }
}
