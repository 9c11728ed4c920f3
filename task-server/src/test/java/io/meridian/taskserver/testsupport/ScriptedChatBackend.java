package io.meridian.taskserver.testsupport;

import io.meridian.taskserver.llm.ChatBackend;
import io.meridian.taskserver.llm.Completion;
import io.meridian.taskserver.llm.CompletionRequest;
import io.meridian.taskserver.llm.ModelFailureException;
import io.meridian.taskserver.llm.TokenUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A model backend a test scripts: it answers at once, fails a number of times first, or holds
 * calls until the test releases them. It records every call and every cancelled call, so that
 * tests can assert that a cancelled or timed-out attempt really stopped the model call.
 */
public final class ScriptedChatBackend implements ChatBackend {

    /** The backend's name and model. */
    public static final String NAME = "scripted";

    private final AtomicInteger failuresLeft = new AtomicInteger();

    private boolean holding;

    private final List<String> calls = new CopyOnWriteArrayList<>();

    private final AtomicInteger cancelled = new AtomicInteger();

    private final List<Sinks.One<Completion>> held = new ArrayList<>();

    private final ConcurrentHashMap<String, Boolean> poison = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String defaultModel() {
        return NAME;
    }

    /**
     * Makes the next {@code count} calls fail with a model failure.
     *
     * @param count how many
     * @return this backend
     */
    public ScriptedChatBackend failNext(int count) {
        failuresLeft.set(count);
        return this;
    }

    /**
     * Makes every call with this query fail.
     *
     * @param query the poison query
     * @return this backend
     */
    public ScriptedChatBackend poison(String query) {
        poison.put(query, Boolean.TRUE);
        return this;
    }

    /**
     * Holds every call from now on until {@link #releaseAll()}, or forever.
     *
     * @param hold whether to hold calls
     * @return this backend
     */
    public synchronized ScriptedChatBackend hold(boolean hold) {
        holding = hold;
        return this;
    }

    /**
     * Answers every held call. A call is held, or not, under the same lock, so that a call made
     * while this runs is either released here or answered at once: never held after the release.
     */
    public void releaseAll() {
        List<Sinks.One<Completion>> releasing;
        synchronized (this) {
            holding = false;
            releasing = List.copyOf(held);
            held.clear();
        }
        releasing.forEach(sink -> sink.tryEmitValue(answer("released")));
    }

    /**
     * The queries asked so far, in order.
     *
     * @return the calls
     */
    public List<String> calls() {
        return List.copyOf(calls);
    }

    /**
     * Calls whose caller gave up (cancelled the {@code Mono}) before the answer.
     *
     * @return how many
     */
    public int cancelledCalls() {
        return cancelled.get();
    }

    /**
     * Waits until at least {@code count} calls have been made.
     *
     * @param count   how many
     * @param timeout the longest wait
     * @throws AssertionError if fewer were made in time
     */
    public void awaitCalls(int count, Duration timeout) {
        awaitCount(() -> calls.size(), count, timeout, "calls");
    }

    /**
     * Waits until at least {@code count} calls have been cancelled by their callers.
     *
     * @param count   how many
     * @param timeout the longest wait
     * @throws AssertionError if fewer were cancelled in time
     */
    public void awaitCancelledCalls(int count, Duration timeout) {
        awaitCount(cancelled::get, count, timeout, "cancelled calls");
    }

    private synchronized void awaitCount(IntSupplier actual, int count, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (actual.getAsInt() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + count + " " + what + " within " + timeout + ", but saw "
                            + actual.getAsInt());
                }
                wait(Math.max(1, left / 1_000_000));
            }
        }
        catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + what, interrupted);
        }
    }

    private synchronized void changed() {
        notifyAll();
    }

    @Override
    public Mono<Completion> complete(CompletionRequest request) {
        return Mono.defer(() -> {
            boolean fails = poison.containsKey(request.query())
                    || failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
            // Held before the call is counted: a test that saw the call and then releases finds it.
            Sinks.One<Completion> sink = fails ? null : holdIfHolding();
            calls.add(request.query());
            changed();
            if (fails) {
                return Mono.error(new ModelFailureException(NAME, "model backend '" + NAME + "' failed to answer"));
            }
            if (sink != null) {
                return sink.asMono().doOnCancel(() -> {
                    cancelled.incrementAndGet();
                    changed();
                });
            }
            return Mono.just(answer(request.query()));
        });
    }

    private synchronized Sinks.One<Completion> holdIfHolding() {
        if (!holding) {
            return null;
        }
        Sinks.One<Completion> sink = Sinks.one();
        held.add(sink);
        return sink;
    }

    private static Completion answer(String query) {
        return new Completion("answer to " + query, NAME, NAME, TokenUsage.of(1, 3));
    }
}
