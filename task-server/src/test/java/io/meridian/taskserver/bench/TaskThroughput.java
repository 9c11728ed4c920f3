package io.meridian.taskserver.bench;

import io.meridian.taskserver.TaskServerApplication;
import io.meridian.taskserver.task.Task;
import io.meridian.taskserver.task.TaskRequest;
import io.meridian.taskserver.taskapi.TaskService;
import io.meridian.taskserver.task.TaskStatus;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Tasks per second end to end, in one process: submit to the queue, a worker takes the task and
 * asks the zero-latency {@code simulated} model, the result is stored, the waiting client is told.
 * Everything the task server does for a task except HTTP: the real application context (no web
 * server), its queue backend, worker pools and model backend.
 *
 * <p>A closed loop: {@code clients} virtual threads each submit a task and wait for its result,
 * then submit the next. A warm-up round runs first and is not counted.
 *
 * <p>Command ({@code bin/task-throughput} builds the class path first):
 * <pre>{@code
 * bin/task-throughput --backend=memory --tasks=200000 --clients=64 --workers=64
 * bin/task-throughput --backend=redis --redis-url=redis://127.0.0.1:6379 --tasks=50000 --clients=64 --workers=64
 * }</pre>
 * The Redis run writes under a fresh key prefix ({@code meridian-bench-<random>}) and deletes
 * nothing else.
 */
public final class TaskThroughput {

    private TaskThroughput() {
    }

    /**
     * Runs the benchmark and prints one line of results.
     *
     * @param args {@code --name=value} options: backend (memory, redis), redis-url, tasks, warmup,
     *             clients, workers
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        String backend = options.getOrDefault("backend", "memory");
        int tasks = Integer.parseInt(options.getOrDefault("tasks", backend.equals("redis") ? "50000" : "200000"));
        int warmup = Integer.parseInt(options.getOrDefault("warmup", Integer.toString(Math.max(1000, tasks / 5))));
        int clients = Integer.parseInt(options.getOrDefault("clients", "64"));
        int workers = Integer.parseInt(options.getOrDefault("workers", "64"));
        String[] settings = {
            "--meridian.server.region=bench",
            "--meridian.model.backend=simulated",
            "--meridian.model.simulated.latency=0ms",
            "--meridian.queues.backend=" + backend,
            "--meridian.redis.url=" + options.getOrDefault("redis-url", "redis://127.0.0.1:6379"),
            "--meridian.redis.key-prefix=meridian-bench-" + UUID.randomUUID(),
            "--meridian.queues.simple.min-workers=" + workers,
            "--meridian.queues.simple.max-workers=" + workers,
            "--meridian.queues.simple.max-depth=" + (clients * 4),
            "--meridian.server.capacity=" + (clients * 4),
            "--logging.level.root=warn",
        };
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TaskServerApplication.class)
                .web(WebApplicationType.NONE).run(settings)) {
            TaskService service = context.getBean(TaskService.class);
            run(service, warmup, clients);
            Result result = run(service, tasks, clients);
            System.out.printf(Locale.ROOT, "backend=%s tasks=%d clients=%d workers=%d: %.0f tasks/s, "
                    + "submit->result p50 %.2f ms, p99 %.2f ms, failed %d%n", backend, tasks, clients, workers,
                    tasks / (result.nanos / 1e9), result.p50Millis, result.p99Millis, result.failed);
        }
    }

    private static Result run(TaskService service, int tasks, int clients) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        long[] latencies = new long[tasks];
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < tasks; i = next.getAndIncrement()) {
                        long began = System.nanoTime();
                        Task accepted = service.submit(new TaskRequest("benchmark task " + i, "simple", null), null)
                                .task();
                        Task done = service.await(accepted.id(), Duration.ofMinutes(1)).block();
                        if (done == null || done.status() != TaskStatus.SUCCEEDED) {
                            failed.incrementAndGet();
                        }
                        latencies[i] = System.nanoTime() - began;
                    }
                });
            }
        }
        long nanos = System.nanoTime() - start;
        Arrays.sort(latencies);
        return new Result(nanos, latencies[tasks / 2] / 1e6, latencies[(int) (tasks * 0.99)] / 1e6, failed.get());
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("options are --name=value, but got '" + arg + "'");
            }
            options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        return options;
    }

    private record Result(long nanos, double p50Millis, double p99Millis, int failed) {
    }
}
