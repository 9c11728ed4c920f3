package io.meridian.taskserver.queue.redis;

import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A replica's three connections to Redis, all named {@code meridian-<consumer>} so an operator can
 * find them in {@code CLIENT LIST}: the shared one for clients' and workers' commands; the worker
 * pools' own, for claiming and the figures they size by, so that those do not queue behind the
 * others (it also carries the pipelined scripts); and the subscription to the region's changes,
 * in bytes so that this replica's own announcements are recognised and skipped undecoded.
 */
final class RedisConnections implements AutoCloseable {

    private final RedisClient client;

    private final StatefulRedisConnection<String, String> shared;

    private final StatefulRedisConnection<String, String> dispatching;

    private final StatefulRedisPubSubConnection<byte[], byte[]> subscription;

    private final Duration commandTimeout;

    /**
     * Connects; on a failure closes what was opened.
     *
     * @param uri      the Redis server, with its command timeout
     * @param consumer this replica's consumer name
     */
    RedisConnections(RedisURI uri, String consumer) {
        this.client = RedisClient.create(RedisURI.builder(uri).withClientName("meridian-" + consumer).build());
        this.commandTimeout = uri.getTimeout();
        StatefulRedisConnection<String, String> opened = null;
        StatefulRedisConnection<String, String> forClaims = null;
        try {
            opened = client.connect(StringCodec.UTF8);
            forClaims = client.connect(StringCodec.UTF8);
            this.subscription = client.connectPubSub(ByteArrayCodec.INSTANCE);
        }
        catch (RuntimeException failure) {
            if (opened != null) {
                opened.close();
            }
            if (forClaims != null) {
                forClaims.close();
            }
            client.shutdown();
            throw failure;
        }
        this.shared = opened;
        this.dispatching = forClaims;
    }

    /**
     * Subscribes to a channel; Lettuce subscribes again by itself after a reconnection. On a
     * failure every connection is closed.
     *
     * @param channel  the channel
     * @param messages what receives each message on it, on Lettuce's event loop
     */
    void subscribe(String channel, Consumer<byte[]> messages) {
        subscription.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(byte[] from, byte[] message) {
                messages.accept(message);
            }
        });
        try {
            subscription.sync().subscribe(channel.getBytes(StandardCharsets.UTF_8));
        }
        catch (RuntimeException failure) {
            close();
            throw failure;
        }
    }

    /** The shared connection's commands. */
    RedisCommands<String, String> commands() {
        return shared.sync();
    }

    /** The worker pools' connection's commands. */
    RedisCommands<String, String> claims() {
        return dispatching.sync();
    }

    /** The worker pools' connection, for pipelining. */
    RedisAsyncCommands<String, String> pipeline() {
        return dispatching.async();
    }

    /** How long a command may take. */
    Duration commandTimeout() {
        return commandTimeout;
    }

    /** The answer of a pipelined command, within the command timeout. */
    <T> T await(RedisFuture<T> future) {
        return LettuceFutures.awaitOrCancel(future, commandTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        subscription.close();
        dispatching.close();
        shared.close();
        client.shutdown();
    }
}
