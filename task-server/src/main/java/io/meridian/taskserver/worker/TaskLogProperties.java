package io.meridian.taskserver.worker;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code meridian.logging.*}: what the task server logs per task.
 *
 * @param tasks          one line per finished attempt on the {@value TaskLog#LOGGER} logger (task,
 *                       queue, model, outcome, attempt, duration, tokens; the trace id comes with
 *                       every line logged during an attempt); on by default
 * @param includePrompts add the prompt and the answer to those lines, cut to {@code promptChars}
 *                       characters. Off by default: prompts are the users' data, and are never
 *                       logged unless the operator turns this on
 * @param promptChars    how much of a prompt or answer a line may hold
 */
@ConfigurationProperties("meridian.logging")
public record TaskLogProperties(
        @DefaultValue("true") boolean tasks,
        @DefaultValue("false") boolean includePrompts,
        @DefaultValue("2000") int promptChars) {

    /** The task server's defaults. */
    public static final TaskLogProperties DEFAULTS = new TaskLogProperties(true, false, 2000);
}
