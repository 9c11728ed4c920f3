package io.meridian.taskserver.queue.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.taskserver.llm.ChatMessage;
import io.meridian.taskserver.llm.ChatParameters;
import io.meridian.taskserver.llm.Completion;
import io.meridian.taskserver.llm.ToolCall;
import io.meridian.taskserver.llm.TokenUsage;
import io.meridian.taskserver.task.Task;
import io.meridian.taskserver.task.TaskId;
import io.meridian.taskserver.task.TaskResult;
import io.meridian.taskserver.task.TaskStatus;
import io.meridian.taskserver.testsupport.TaskFixtures;
import io.meridian.testing.MutableClock;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The stored task document: versioned from now on, and every document stored before still read. */
class TaskDocumentTests {

    /** A document exactly as the release before versioned documents stored it. */
    static final String UNVERSIONED = "task-document-unversioned.json";

    private final TaskDocument documents = new TaskDocument();

    private final MutableClock clock = MutableClock.atEpochDay();

    static String unversioned() {
        try (InputStream in = TaskDocumentTests.class.getResourceAsStream(UNVERSIONED)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        catch (IOException unreadable) {
            throw new IllegalStateException(unreadable);
        }
    }

    @Test
    void readsADocumentStoredBeforeDocumentsHadAVersion() {
        String stored = unversioned();
        assertThat(stored).doesNotContain(TaskDocument.FIELD);

        Task task = documents.read(stored);

        assertThat(task.id()).isEqualTo(TaskId.parse("us-east.01KDVDNA00CAC6TSN05WVCJBM7"));
        assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(task.attempts()).isEqualTo(1);
        assertThat(task.version()).isEqualTo(3);
        assertThat(task.finishedAt()).isEqualTo(Instant.parse("2026-01-01T00:00:05Z"));
        assertThat(task.result()).isEqualTo(new TaskResult("42", "qwen3", "scripted", TokenUsage.of(12, 3))
                .degradedFrom("qwen3:14b"));
        assertThat(task.messages()).containsExactly(new ChatMessage(ChatMessage.SYSTEM, "be brief"),
                new ChatMessage(ChatMessage.USER, "what is 6 x 7?"));
        assertThat(task.stream()).isTrue();
        assertThat(task.idempotencyKey()).isEqualTo("key-1");
        assertThat(task.tenant()).isEqualTo("acme");
        assertThat(task.maxTokens()).isEqualTo(64);
        assertThat(task.parameters()).isEqualTo(ChatParameters.NONE);
        assertThat(task.result().finishReason()).isEqualTo("stop");
        assertThat(task.result().toolCalls()).isEmpty();
        assertThat(TaskDocument.version(JsonMapper.builder().build().readTree(stored)))
                .isEqualTo(TaskDocument.UNVERSIONED);
    }

    @Test
    void writesItsVersionFirstAndReadsBackTheSameTask() {
        Task task = TaskFixtures.task(TaskFixtures.SIMPLE, "hi", "key", clock).withChat(
                List.of(new ChatMessage(ChatMessage.USER, "hi")), true, null).withTenant("acme");

        String written = documents.write(task);

        assertThat(written).startsWith("{\"" + TaskDocument.FIELD + "\":" + TaskDocument.PLAIN + ",\"id\":");
        assertThat(documents.read(written)).isEqualTo(task);
        byte[] announced = ("replica-a\n" + written).getBytes(StandardCharsets.UTF_8);
        assertThat(documents.read(announced, 10, announced.length - 10)).isEqualTo(task);
    }

    @Test
    void carriesAChatCompletionsParametersToolUseAndFinishReasonThroughTheDocument() {
        ChatParameters parameters = new ChatParameters(0.2, 0.9, List.of("END", "\n\n"), 1234, -0.5, 1.5,
                new ChatParameters.ResponseFormat("city", "{\"type\":\"object\"}", true),
                List.of(new ChatParameters.Tool("get_weather", "Weather now", "{\"type\":\"object\",\"properties\":{}}")),
                new ChatParameters.ToolChoice(ChatParameters.ToolChoice.REQUIRED, "get_weather"), true);
        ToolCall call = new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}");
        Task task = TaskFixtures.task(TaskFixtures.SIMPLE, "hi", null, clock).withChat(List.of(
                        new ChatMessage(ChatMessage.USER, "Weather in Paris?"),
                        new ChatMessage(ChatMessage.ASSISTANT, "", List.of(call), null),
                        new ChatMessage(ChatMessage.TOOL, "18 C", List.of(), "call_1")), false, null)
                .withParameters(parameters)
                .started(clock.instant())
                .succeeded(TaskResult.of(new Completion("", "qwen3", "ollama", TokenUsage.of(9, 4),
                        Completion.TOOL_CALLS, List.of(call))), clock.instant());

        String written = documents.write(task);

        assertThat(written).startsWith("{\"" + TaskDocument.FIELD + "\":2,");
        assertThat(documents.read(written)).isEqualTo(task);
        assertThat(documents.read(written).parameters()).isEqualTo(parameters);
        assertThat(documents.read(written).result().toolCalls()).containsExactly(call);
    }

    @Test
    void carriesAnOllamaRequestsKeepAliveAloneThroughTheDocument() {
        Task task = TaskFixtures.task(TaskFixtures.SIMPLE, "hi", null, clock)
                .withParameters(ChatParameters.NONE.withKeepAlive("30m"));

        String written = documents.write(task);

        assertThat(written).startsWith("{\"" + TaskDocument.FIELD + "\":2,").contains("\"keepAlive\":\"30m\"");
        assertThat(documents.read(written).parameters().keepAlive()).isEqualTo("30m");
    }

    @Test
    void writesATaskWithoutParametersOrToolUseAsVersionOneAndLeavesTheirFieldsOut() {
        Task plain = TaskFixtures.task(TaskFixtures.SIMPLE, "hi", null, clock).withChat(
                List.of(new ChatMessage(ChatMessage.USER, "hi")), false, null);

        String written = documents.write(plain);

        assertThat(written).startsWith("{\"" + TaskDocument.FIELD + "\":1,")
                .doesNotContain("parameters").doesNotContain("toolCalls").doesNotContain("toolCallId");
        assertThat(documents.read(written)).isEqualTo(plain);
    }

    @Test
    void theSameTaskReadsTheSameFromEitherForm() {
        Task old = documents.read(unversioned());

        assertThat(documents.read(documents.write(old))).isEqualTo(old);
    }

    @Test
    void refusesADocumentOfANewerVersionRatherThanGuessAtIt() {
        String newer = documents.write(TaskFixtures.task(TaskFixtures.SIMPLE, "hi", null, clock))
                .replace("\"" + TaskDocument.FIELD + "\":" + TaskDocument.PLAIN,
                        "\"" + TaskDocument.FIELD + "\":" + (TaskDocument.CURRENT + 1));

        assertThatThrownBy(() -> documents.read(newer)).isInstanceOf(IllegalStateException.class)
                .hasMessage("a task document of schema version " + (TaskDocument.CURRENT + 1)
                        + " was written by a newer release; this one reads up to version " + TaskDocument.CURRENT);
    }
}
