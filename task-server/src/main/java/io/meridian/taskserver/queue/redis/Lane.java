package io.meridian.taskserver.queue.redis;

import io.meridian.taskserver.queue.QueueSettings;
import io.meridian.taskserver.queue.redis.RedisKeys.QueueKeys;
import java.time.Duration;

/**
 * One queue as the backend runs it.
 *
 * @param settings    its settings
 * @param keys        its keys
 * @param reclaimIdle how long an entry of a live consumer must be idle before it is taken back:
 *                    the queue's task timeout plus the reclaim margin
 */
record Lane(QueueSettings settings, QueueKeys keys, Duration reclaimIdle) {
}
