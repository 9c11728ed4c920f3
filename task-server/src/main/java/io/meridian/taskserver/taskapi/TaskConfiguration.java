package io.meridian.taskserver.taskapi;

import io.meridian.taskserver.TaskServerProperties;
import io.meridian.taskserver.load.LoadTracker;
import io.meridian.taskserver.queue.QueueClassifier;
import io.meridian.taskserver.queue.Queues;
import io.meridian.taskserver.queue.TaskQueue;
import io.meridian.taskserver.tracing.TaskTracing;
import java.security.SecureRandom;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The task service behind the task API, {@code POST /process} and the chat completions. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DegradationProperties.class)
class TaskConfiguration {

    @Bean
    @ConditionalOnMissingBean
    TaskService taskService(TaskQueue queue, QueueClassifier classifier, LoadTracker load,
            TaskServerProperties server, Clock clock, Queues queues, DegradationProperties degradation) {
        // Task ids are the only credential for reading a task: their random part must be unguessable.
        return new TaskService(queue, classifier, load, server.region(), clock, new SecureRandom(), queues,
                degradation.threshold());
    }

    @Bean
    @ConditionalOnMissingBean
    TaskIntake taskIntake(TaskService tasks, TaskTracing tracing, TaskServerProperties server) {
        return new TaskIntake(tasks, tracing, server);
    }

    @Bean
    @ConditionalOnMissingBean
    TaskTokens taskTokens(TaskQueue queue) {
        return new TaskTokens(queue);
    }
}
