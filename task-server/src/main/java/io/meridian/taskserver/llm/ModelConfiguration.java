package io.meridian.taskserver.llm;

import io.meridian.taskserver.TaskServerProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import io.meridian.taskserver.tracing.TaskTracing;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Creates the one {@link ChatBackend} that {@code meridian.model.backend} names.
 *
 * <p>The choice is a switch over the bound {@link ModelProperties.Backend} rather than bean
 * conditions, so that a misspelt backend fails start-up with a binding error naming the property.
 * The Spring AI side follows the same setting: {@code application.yml} sets
 * {@code spring.ai.model.chat} to {@code ${meridian.model.backend}}, so Spring AI's Ollama chat
 * auto-configuration creates its {@code OllamaChatModel} only when the backend is {@code ollama},
 * and the OpenAI one its {@code OpenAiChatModel} only when it is {@code openai}: never both.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ModelProperties.class)
class ModelConfiguration {

    /** Name of the Ollama backend, as clients see it. */
    static final String OLLAMA = "ollama";

    /** Name of the OpenAI-compatible backend, as clients see it. */
    static final String OPENAI = "openai";

    @Bean
    @ConditionalOnMissingBean(ChatBackend.class)
    ChatBackend chatBackend(ModelProperties model, TaskServerProperties server, ObjectProvider<ChatModel> chatModel,
            ObjectProvider<MeterRegistry> meters, ObjectProvider<TaskTracing> tracing) {
        ChatBackend backend = backend(model, server, chatModel, tracing.getIfAvailable(() -> TaskTracing.NONE));
        MeterRegistry registry = meters.getIfAvailable();
        return registry == null ? backend : new MeteredChatBackend(backend, registry);
    }

    private static ChatBackend backend(ModelProperties model, TaskServerProperties server, ObjectProvider<ChatModel> chatModel,
            TaskTracing tracing) {
        return switch (model.backend()) {
            case SIMULATED -> new SimulatedChatBackend(server.region(), model.simulated());
            // getObject: without a ChatModel (spring.ai.model.chat overridden) start-up fails naming the type.
            case OLLAMA -> new ChatModelBackend(OLLAMA, chatModel.getObject(), model.ollama().model(),
                    virtualThreadScheduler("ollama-call", model.ollama().maxConcurrentCalls()), tracing,
                    OLLAMA_PARAMETERS, model.ollama().keepAliveParameter());
            case OPENAI -> new ChatModelBackend(OPENAI, chatModel.getObject(), model.openai().model(),
                    virtualThreadScheduler("openai-call", model.openai().maxConcurrentCalls()), tracing,
                    EnumSet.allOf(ChatParameter.class), null);
        };
    }

    /**
     * What Ollama's chat API takes: every parameter but a forced tool choice, which it has no
     * field for ({@code tool_choice: "none"} is honoured by offering no tools).
     */
    static final Set<ChatParameter> OLLAMA_PARAMETERS = EnumSet.complementOf(
            EnumSet.of(ChatParameter.TOOL_CHOICE_REQUIRED, ChatParameter.TOOL_CHOICE_FUNCTION));

    /**
     * A bounded scheduler that runs each task on a new virtual thread, at most {@code maxConcurrent}
     * at a time, queueing the rest without limit (callers bound the wait with their deadline).
     * Reactor builds this scheduler only through its {@link Schedulers.Factory} hook; the default
     * factory methods are used unchanged.
     */
    static Scheduler virtualThreadScheduler(String name, int maxConcurrent) {
        ThreadFactory threads = Thread.ofVirtual().name(name + "-", 0).factory();
        Scheduler scheduler = new Schedulers.Factory() { }
                .newThreadPerTaskBoundedElastic(maxConcurrent, Integer.MAX_VALUE, threads);
        scheduler.init();
        return scheduler;
    }
}
