package io.meridian.taskserver.models;

import io.meridian.taskserver.TaskServerProperties;
import io.meridian.taskserver.llm.ChatBackend;
import io.meridian.taskserver.llm.ModelProperties;
import io.meridian.taskserver.queue.Queues;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The region's {@link ModelCatalog}: its queues' models, their names and {@code meridian.model.aliases}. */
@Configuration(proxyBeanMethods = false)
class ModelsConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ModelCatalog modelCatalog(TaskServerProperties server, ChatBackend backend, Queues queues, ModelProperties model) {
        return new ModelCatalog(server.region(), backend.name(), queues, model.aliases());
    }
}
