/**
 * The Redis Streams backend of {@link io.meridian.taskserver.queue.TaskQueue}: the façade {@link
 * io.meridian.taskserver.queue.redis.RedisStreamsTaskQueue} and its parts, each one idea: the key
 * schema ({@code RedisKeys}), the Lua scripts (resources beside these classes, loaded once by {@code
 * LuaScript}), the typed transition builder ({@code Transition}, {@code Counter}), the stored,
 * versioned task document ({@code TaskDocument}), the task store with its one compare-and-set
 * commit template ({@code RedisTaskStore}, {@code CommitTemplate}), claiming from the streams
 * ({@code StreamClaims}) and the region's housekeeping across replicas ({@code RedisHousekeeping}).
 */
@NullMarked
package io.meridian.taskserver.queue.redis;

import org.jspecify.annotations.NullMarked;
