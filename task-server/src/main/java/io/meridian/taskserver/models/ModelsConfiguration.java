package io.meridian.taskserver.models;

import io.meridian.taskserver.TaskServerProperties;
import io.meridian.taskserver.embeddings.EmbeddingService;
import io.meridian.taskserver.llm.ChatBackend;
import io.meridian.taskserver.llm.ModelProperties;
import io.meridian.taskserver.llm.ModelTiers;
import io.meridian.taskserver.queue.Queues;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The region's {@link ModelCatalog}: its queues' models, their names, its embedding model (when it
 * serves embeddings) and {@code meridian.model.aliases}.
 */
@Configuration(proxyBeanMethods = false)
class ModelsConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ModelCatalog modelCatalog(TaskServerProperties server, ChatBackend backend, ModelTiers tiers, Queues queues,
            ModelProperties model, ObjectProvider<EmbeddingService> embeddings) {
        // Each queue's models are reported with its tier's backend, unless one backend answers both.
        Map<String, String> backends = !tiers.isPrimary(backend) ? Map.of() : Map.of(
                queues.simple().name(), tiers.simple().name(), queues.complex().name(), tiers.complex().name());
        EmbeddingService embedding = embeddings.getIfAvailable();
        return new ModelCatalog(server.region(), backend.name(), backends, queues, model.aliases(), embedding == null
                ? null : new ModelCatalog.Embedding(embedding.model(), embedding.backend().name()));
    }
}
