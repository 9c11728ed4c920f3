package io.meridian.taskserver.queue.redis;

import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Runs Lua scripts by their SHA-1 ({@code EVALSHA}), sending the text only when Redis lacks it (a
 * restarted Redis has forgotten every script). {@link #send} pipelines: many scripts go out
 * before the first answer is awaited, so a batch costs one round trip instead of one each.
 */
final class RedisScripts {

    private final RedisCommands<String, String> redis;

    private final @Nullable RedisAsyncCommands<String, String> async;

    private final Duration timeout;

    RedisScripts(RedisCommands<String, String> redis) {
        this(redis, null, Duration.ZERO);
    }

    RedisScripts(RedisCommands<String, String> redis, @Nullable RedisAsyncCommands<String, String> async,
            Duration timeout) {
        this.redis = redis;
        this.async = async;
        this.timeout = timeout;
    }

    /**
     * Sends a script without waiting for its answer; {@link Sent#await()} gets it.
     *
     * @throws IllegalStateException if these scripts were made without asynchronous commands
     */
    <T> Sent<T> send(LuaScript script, ScriptOutputType type, String[] keys, String... args) {
        if (async == null) {
            throw new IllegalStateException("no asynchronous connection to pipeline on");
        }
        RedisFuture<T> future = async.evalsha(script.sha(), type, keys, args);
        return new Sent<>(this, future, script, type, keys, args);
    }

    @SuppressWarnings("unchecked")
    <T> T run(LuaScript script, ScriptOutputType type, String[] keys, String... args) {
        try {
            return (T) redis.evalsha(script.sha(), type, keys, args);
        }
        catch (RedisNoScriptException notLoaded) {
            return (T) redis.eval(script.text(), type, keys, args);
        }
    }

    /**
     * A script sent and not yet answered.
     *
     * @param <T> its answer's type
     */
    static final class Sent<T> {

        private final RedisScripts scripts;

        private final RedisFuture<T> future;

        private final LuaScript script;

        private final ScriptOutputType type;

        private final String[] keys;

        private final String[] args;

        private Sent(RedisScripts scripts, RedisFuture<T> future, LuaScript script, ScriptOutputType type, String[] keys,
                String[] args) {
            this.scripts = scripts;
            this.future = future;
            this.script = script;
            this.type = type;
            this.keys = keys;
            this.args = args;
        }

        /** The answer; the script is run again, with its text, if Redis did not know it. */
        T await() {
            try {
                return LettuceFutures.awaitOrCancel(future, scripts.timeout.toNanos(), TimeUnit.NANOSECONDS);
            }
            catch (RedisNoScriptException notLoaded) {
                return scripts.run(script, type, keys, args);
            }
        }
    }
}
