package io.meridian.taskserver.queue;

import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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

    private final Map<String, String> shas = new ConcurrentHashMap<>();

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
    <T> Sent<T> send(String script, ScriptOutputType type, String[] keys, String... args) {
        if (async == null) {
            throw new IllegalStateException("no asynchronous connection to pipeline on");
        }
        RedisFuture<T> future = async.evalsha(shas.computeIfAbsent(script, RedisScripts::sha1), type, keys, args);
        return new Sent<>(this, future, script, type, keys, args);
    }

    @SuppressWarnings("unchecked")
    <T> T run(String script, ScriptOutputType type, String[] keys, String... args) {
        String sha = shas.computeIfAbsent(script, RedisScripts::sha1);
        try {
            return (T) redis.evalsha(sha, type, keys, args);
        }
        catch (RedisNoScriptException notLoaded) {
            return (T) redis.eval(script, type, keys, args);
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

        private final String script;

        private final ScriptOutputType type;

        private final String[] keys;

        private final String[] args;

        private Sent(RedisScripts scripts, RedisFuture<T> future, String script, ScriptOutputType type, String[] keys,
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

    private static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        }
        catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every JVM has SHA-1", impossible);
        }
    }
}
