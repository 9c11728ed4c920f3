package io.meridian.taskserver.task;

import io.meridian.taskserver.TaskServerProperties;
import io.meridian.taskserver.load.LoadTracker;
import io.meridian.taskserver.queue.QueueClassifier;
import io.meridian.taskserver.queue.TaskQueue;
import java.security.SecureRandom;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The task service behind the task API and {@code POST /process}. */
@Configuration(proxyBeanMethods = false)
class TaskConfiguration {

    @Bean
    @ConditionalOnMissingBean
    TaskService taskService(TaskQueue queue, QueueClassifier classifier, LoadTracker load,
            TaskServerProperties server, Clock clock) {
        // Task ids are the only credential for reading a task: their random part must be unguessable.
        return new TaskService(queue, classifier, load, server.region(), clock, new SecureRandom());
    }
}
