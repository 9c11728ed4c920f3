package io.meridian.taskserver.worker;

import io.meridian.protocol.FailedTask;
import io.meridian.taskserver.TaskServerProperties;
import io.meridian.taskserver.admin.AdminToken;
import io.meridian.taskserver.queue.ReactiveTaskQueue;
import io.meridian.taskserver.queue.TaskQueue;
import io.meridian.taskserver.task.Task;
import io.meridian.taskserver.task.TaskError;
import io.meridian.taskserver.task.TaskScope;
import io.meridian.taskserver.task.TaskStatus;
import io.meridian.taskserver.web.ApiException;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * {@code GET /v1/tasks?state=failed|dead_lettered&limit=N}: the region's latest failed and
 * dead-lettered tasks with their errors, newest first, for operators and the dashboard. Without
 * {@code state} both kinds are listed; {@code limit} is 1 to {@value TaskQueue#RECENT_FAILURES}
 * (default 50). Prompts are not included.
 *
 * <p>A tenant sees its own tasks only, among the region's latest {@value TaskQueue#RECENT_FAILURES}
 * failures (see {@link TaskScope}); the admin token sees every tenant's, each with its tenant.
 */
@RestController
class FailuresController {

    static final int DEFAULT_LIMIT = 50;

    private final ReactiveTaskQueue queue;

    private final String region;

    private final AdminToken admin;

    FailuresController(ReactiveTaskQueue queue, TaskServerProperties server, AdminToken admin) {
        this.queue = queue;
        this.region = server.region();
        this.admin = admin;
    }

    @GetMapping(path = "/v1/tasks", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<FailuresView> failures(@RequestParam(required = false) @Nullable String state,
            @RequestParam(required = false) @Nullable String limit, ServerWebExchange exchange) {
        Set<TaskStatus> states = states(state);
        int max = limit(limit);
        TaskScope scope = TaskScope.of(exchange.getRequest().getHeaders(), admin);
        return queue.recentFailures(TaskQueue.RECENT_FAILURES).map(recent -> new FailuresView(region,
                recent.stream()
                        .filter(task -> states.contains(task.status()) && scope.sees(task))
                        .limit(max)
                        .map(FailuresController::failedTask)
                        .toList()));
    }

    private static Set<TaskStatus> states(@Nullable String state) {
        if (state == null || state.isBlank()) {
            return EnumSet.of(TaskStatus.FAILED, TaskStatus.DEAD_LETTERED);
        }
        return switch (state.strip().toLowerCase(Locale.ROOT)) {
            case "failed" -> EnumSet.of(TaskStatus.FAILED);
            case "dead_lettered" -> EnumSet.of(TaskStatus.DEAD_LETTERED);
            default -> throw new ApiException("invalid_state", 400,
                    "state must be failed or dead_lettered, but was '" + state + "'", "state", null);
        };
    }

    private static int limit(@Nullable String limit) {
        if (limit == null || limit.isBlank()) {
            return DEFAULT_LIMIT;
        }
        try {
            int value = Integer.parseInt(limit.strip());
            if (value >= 1 && value <= TaskQueue.RECENT_FAILURES) {
                return value;
            }
        }
        catch (NumberFormatException notANumber) {
            // answered below
        }
        throw new ApiException("invalid_limit", 400, "limit must be a whole number from 1 to "
                + TaskQueue.RECENT_FAILURES + ", but was '" + limit + "'", "limit", null);
    }

    /**
     * The answer.
     *
     * @param region this server's region
     * @param tasks  newest first
     */
    record FailuresView(String region, List<FailedTask> tasks) {
    }

    /** One failed task, as the protocol's {@link FailedTask}. */
    static FailedTask failedTask(Task task) {
        TaskError error = task.lastError();
        return new FailedTask(task.id().toString(), task.tenant(), task.queue(),
                task.status().name().toLowerCase(Locale.ROOT), task.attempts(),
                error == null ? null : new FailedTask.Error(error.error(), error.message()), task.finishedAt());
    }
}
