/**
 * Worker pools, one per queue: they claim tasks, run each attempt on a virtual thread against the
 * model backend, enforce the task timeout, retry with exponential back-off and jitter, and
 * dead-letter tasks whose attempts run out. The simple queue's pool autoscales with its backlog;
 * the complex queue's is fixed. {@code GET /v1/queues} reports them.
 */
@NullMarked
package io.meridian.taskserver.worker;

import org.jspecify.annotations.NullMarked;
