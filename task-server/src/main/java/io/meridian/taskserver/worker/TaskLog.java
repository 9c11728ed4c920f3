package io.meridian.taskserver.worker;

import io.meridian.taskserver.llm.ChatMessage;
import io.meridian.taskserver.llm.Completion;
import io.meridian.taskserver.task.Task;
import io.meridian.taskserver.task.TaskError;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One line per finished attempt on the {@value #LOGGER} logger. The message reads on its own; each
 * value is also a key-value pair, a JSON field under structured logging ({@code taskId}, {@code
 * queue}, {@code model}, {@code backend}, {@code outcome}, {@code attempt}, {@code durationMs},
 * {@code promptTokens}, {@code completionTokens}, {@code error}). Lines are written inside the
 * attempt's span, so they carry its {@code traceId} and {@code spanId}. The prompt and the answer
 * are added only when {@link TaskLogProperties#includePrompts()} is on.
 */
final class TaskLog {

    /** The logger the lines go to. */
    static final String LOGGER = "meridian.tasks";

    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    private final TaskLogProperties properties;

    TaskLog(TaskLogProperties properties) {
        this.properties = properties;
    }

    void succeeded(Task task, Completion completion, Duration took) {
        if (!properties.tasks() || !log.isInfoEnabled()) {
            return;
        }
        LoggingEventBuilder line = line(task, "succeeded", took,
                "Task " + task.id() + " succeeded on attempt " + task.attempts() + "/" + task.maxAttempts() + " in "
                        + took.toMillis() + " ms (" + task.queue() + ", " + completion.backend() + " "
                        + completion.model() + ", " + completion.usage().promptTokens() + "+"
                        + completion.usage().completionTokens() + " tokens)")
                .addKeyValue("model", completion.model())
                .addKeyValue("backend", completion.backend())
                .addKeyValue("promptTokens", completion.usage().promptTokens())
                .addKeyValue("completionTokens", completion.usage().completionTokens());
        if (properties.includePrompts()) {
            line = line.addKeyValue("answer", cut(completion.text()));
        }
        line.log();
    }

    /**
     * An attempt that failed.
     *
     * @param task      the task, as it ran
     * @param error     why
     * @param outcome   {@code retrying}, {@code failed} or {@code dead_lettered}
     * @param retryIn   the wait before the next attempt, or {@code null} when there is none
     * @param took      how long the attempt ran
     */
    void failed(Task task, TaskError error, String outcome, @Nullable Duration retryIn, Duration took) {
        if (!properties.tasks() || !log.isInfoEnabled()) {
            return;
        }
        String then = retryIn == null ? outcome : "retrying in " + retryIn.toMillis() + " ms";
        LoggingEventBuilder line = line(task, outcome, took, "Task " + task.id() + " attempt " + task.attempts() + "/"
                + task.maxAttempts() + " failed in " + took.toMillis() + " ms (" + task.queue() + ", " + error.error()
                + "): " + then)
                .addKeyValue("model", task.model())
                .addKeyValue("error", error.error());
        if (retryIn != null) {
            line = line.addKeyValue("retryInMs", retryIn.toMillis());
        }
        line.log();
    }

    private LoggingEventBuilder line(Task task, String outcome, Duration took, String message) {
        LoggingEventBuilder line = log.atInfo().setMessage(message)
                .addKeyValue("taskId", task.id().toString())
                .addKeyValue("queue", task.queue())
                .addKeyValue("outcome", outcome)
                .addKeyValue("attempt", task.attempts())
                .addKeyValue("durationMs", took.toMillis());
        if (properties.includePrompts()) {
            line = line.addKeyValue("prompt", cut(prompt(task)));
        }
        return line;
    }

    private static String prompt(Task task) {
        if (task.messages().isEmpty()) {
            return task.query();
        }
        StringBuilder text = new StringBuilder();
        for (ChatMessage message : task.messages()) {
            text.append(message.role()).append(": ").append(message.content()).append('\n');
        }
        return text.toString();
    }

    private String cut(@Nullable String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= properties.promptChars() ? text : text.substring(0, properties.promptChars()) + "…";
    }
}
