package io.meridian.taskserver.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.Prompt;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

/** The adapter around a blocking Spring AI chat model, with the model replaced by a stub. */
class ChatModelBackendTests {

    private static final Duration VERIFY_TIMEOUT = Duration.ofSeconds(5);

    private @Nullable ChatModelBackend backend;

    @AfterEach
    void closeBackend() {
        if (backend != null) {
            backend.close();
        }
    }

    private ChatModelBackend backend(ChatModel model) {
        backend = new ChatModelBackend("ollama", model, "qwen3",
                ModelConfiguration.virtualThreadScheduler("test-call", 4));
        return backend;
    }

    private static ChatResponse answer(String text, String model, int promptTokens, int completionTokens) {
        ChatResponseMetadata metadata = ChatResponseMetadata.builder()
                .model(model)
                .usage(new DefaultUsage(promptTokens, completionTokens))
                .build();
        return new ChatResponse(List.of(new Generation(new AssistantMessage(text))), metadata);
    }

    @Test
    void callsTheModelOnAVirtualThreadOfItsOwnScheduler() {
        AtomicReference<Thread> caller = new AtomicReference<>();
        ChatModelBackend backend = backend(prompt -> {
            caller.set(Thread.currentThread());
            return answer("hi", "qwen3", 1, 1);
        });

        StepVerifier.create(backend.complete(new CompletionRequest("hello", null)))
                .expectNextCount(1)
                .expectComplete()
                .verify(VERIFY_TIMEOUT);

        assertThat(caller.get().isVirtual()).isTrue();
        assertThat(caller.get().getName()).startsWith("test-call-");
    }

    @Test
    void asksForTheDefaultModelWhenTheRequestNamesNone() {
        AtomicReference<Prompt> seen = new AtomicReference<>();
        ChatModelBackend backend = backend(prompt -> {
            seen.set(prompt);
            return answer("hi", "qwen3", 1, 1);
        });

        StepVerifier.create(backend.complete(new CompletionRequest("what is 2+2?", null)))
                .expectNextCount(1)
                .expectComplete()
                .verify(VERIFY_TIMEOUT);

        assertThat(seen.get().getOptions().getModel()).isEqualTo("qwen3");
        assertThat(seen.get().getUserMessage().getText()).isEqualTo("what is 2+2?");
    }

    @Test
    void asksForTheModelTheRequestNames() {
        AtomicReference<Prompt> seen = new AtomicReference<>();
        ChatModelBackend backend = backend(prompt -> {
            seen.set(prompt);
            return answer("hi", "llama3.2", 1, 1);
        });

        StepVerifier.create(backend.complete(new CompletionRequest("hello", "llama3.2")))
                .expectNextCount(1)
                .expectComplete()
                .verify(VERIFY_TIMEOUT);

        assertThat(seen.get().getOptions().getModel()).isEqualTo("llama3.2");
    }

    @Test
    void reportsTextModelAndUsageFromTheResponse() {
        ChatModelBackend backend = backend(prompt -> answer("Paris.", "qwen3:latest", 12, 3));

        StepVerifier.create(backend.complete(new CompletionRequest("capital of France?", null)))
                .expectNext(new Completion("Paris.", "qwen3:latest", "ollama", TokenUsage.of(12, 3)))
                .expectComplete()
                .verify(VERIFY_TIMEOUT);
    }

    @Test
    void namesTheRequestedModelWhenTheResponseDoesNot() {
        ChatModelBackend backend = backend(prompt -> new ChatResponse(
                List.of(new Generation(new AssistantMessage("ok")))));

        StepVerifier.create(backend.complete(new CompletionRequest("hello", null)))
                .assertNext(completion -> {
                    assertThat(completion.model()).isEqualTo("qwen3");
                    assertThat(completion.usage()).isEqualTo(TokenUsage.of(0, 0));
                })
                .expectComplete()
                .verify(VERIFY_TIMEOUT);
    }

    @Test
    void turnsAModelErrorIntoAModelFailureThatHidesTheUpstreamDetail() {
        RuntimeException upstream = new IllegalStateException("HTTP 500 - internal secret");
        ChatModelBackend backend = backend(prompt -> {
            throw upstream;
        });

        StepVerifier.create(backend.complete(new CompletionRequest("hello", null)))
                .expectErrorSatisfies(error -> {
                    assertThat(error).isInstanceOf(ModelFailureException.class).hasCause(upstream);
                    assertThat(error.getMessage()).isEqualTo("model backend 'ollama' failed to answer");
                    assertThat(((ModelFailureException) error).backend()).isEqualTo("ollama");
                })
                .verify(VERIFY_TIMEOUT);
    }

    @Test
    void turnsAnAnswerWithoutTextIntoAModelFailure() {
        ChatModelBackend backend = backend(prompt -> new ChatResponse(List.of()));

        StepVerifier.create(backend.complete(new CompletionRequest("hello", null)))
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(ModelFailureException.class)
                        .hasMessage("model backend 'ollama' answered without text"))
                .verify(VERIFY_TIMEOUT);
    }

    @Test
    void interruptsTheWaitingCallWhenTheCallerGivesUp() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        ChatModelBackend backend = backend(prompt -> {
            started.countDown();
            try {
                new CountDownLatch(1).await(); // an answer that never comes
                throw new AssertionError("unreachable");
            }
            catch (InterruptedException e) {
                interrupted.countDown();
                throw new IllegalStateException(e);
            }
        });

        Disposable call = backend.complete(new CompletionRequest("hello", null)).subscribe(c -> { }, e -> { });
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        call.dispose();

        assertThat(interrupted.await(5, TimeUnit.SECONDS)).as("blocked call interrupted").isTrue();
    }
}
