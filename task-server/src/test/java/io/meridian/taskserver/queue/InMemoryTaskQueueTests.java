package io.meridian.taskserver.queue;

import java.time.Clock;
import java.time.Duration;

/** The queue contract on the embedded, in-memory backend. */
class InMemoryTaskQueueTests extends TaskQueueContract {

    @Override
    protected TaskQueue newQueue(Queues queues, Duration resultTtl, Clock clock) {
        return new InMemoryTaskQueue(queues, resultTtl, clock);
    }
}
