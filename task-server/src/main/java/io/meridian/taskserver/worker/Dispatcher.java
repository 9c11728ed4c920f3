package io.meridian.taskserver.worker;

import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The one platform thread on which the pools bookkeep: their ticks and their dispatch requests.
 * It can be stopped and started again, as a Spring lifecycle may; while stopped it refuses work.
 */
final class Dispatcher implements Executor {

    private volatile @Nullable ScheduledExecutorService thread;

    synchronized void start(Runnable tick, long tickMillis) {
        if (thread == null) {
            ScheduledExecutorService started = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("worker-dispatch").daemon().factory());
            started.scheduleWithFixedDelay(tick, 0, tickMillis, TimeUnit.MILLISECONDS);
            thread = started;
        }
    }

    synchronized void stop() {
        ScheduledExecutorService running = thread;
        thread = null;
        if (running != null) {
            running.shutdownNow();
        }
    }

    @Override
    public void execute(Runnable command) {
        ScheduledExecutorService running = thread;
        if (running == null) {
            throw new RejectedExecutionException("the worker dispatcher is stopped");
        }
        running.execute(command);
    }
}
