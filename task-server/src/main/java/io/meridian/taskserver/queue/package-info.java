/**
 * The region's task queues: the {@link io.meridian.taskserver.queue.TaskQueue} contract that
 * every backend honours, its in-memory backend (the embedded default, one JVM), its Redis Streams
 * backend (shared by a region's replicas; in {@code queue.redis}), the change feed both publish
 * through, the two queues' settings and the classifier that picks one for a request.
 */
@NullMarked
package io.meridian.taskserver.queue;

import org.jspecify.annotations.NullMarked;
