package io.meridian.taskserver.load;

import io.meridian.taskserver.TaskServerProperties;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * Counts the tasks this server has accepted and not yet finished (queued or running) and refuses
 * work beyond its capacity.
 *
 * <p>Design note: admission is one compare-and-set loop on a counter, so a full server answers in
 * microseconds instead of queueing without bound; the gateway reads {@link #inFlight()} and
 * {@link #capacity()} from the health answer and sends new work elsewhere before this server is
 * full. Refusing is the honest answer to overload: an unbounded queue only turns it into
 * timeouts.
 */
@Component
public class LoadTracker {

    private final AtomicInteger inFlight = new AtomicInteger();
    private final int capacity;

    public LoadTracker(TaskServerProperties properties) {
        this.capacity = properties.capacity();
    }

    /**
     * Takes one slot.
     *
     * @return {@code false}, taking nothing, when the server is at capacity
     */
    public boolean tryAcquire() {
        while (true) {
            int current = inFlight.get();
            if (current >= capacity) {
                return false;
            }
            if (inFlight.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    /** Gives back a slot taken by {@link #tryAcquire()}. */
    public void release() {
        inFlight.decrementAndGet();
    }

    public int inFlight() {
        return inFlight.get();
    }

    public int capacity() {
        return capacity;
    }
}
