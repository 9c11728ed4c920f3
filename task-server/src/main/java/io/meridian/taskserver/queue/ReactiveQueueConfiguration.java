package io.meridian.taskserver.queue;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The {@link ReactiveTaskQueue} façade over whichever queue backend runs. */
@Configuration(proxyBeanMethods = false)
class ReactiveQueueConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ReactiveTaskQueue reactiveTaskQueue(TaskQueue queue) {
        return ReactiveTaskQueue.over(queue);
    }
}
