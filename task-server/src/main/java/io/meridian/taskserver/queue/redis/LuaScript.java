package io.meridian.taskserver.queue.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The backend's Lua scripts, each a resource beside this class ({@code <name>.lua}, which documents
 * its keys, arguments and reply), read and hashed once when this enum is first used.
 */
enum LuaScript {

    /** Compare-and-set of a task and its side effects; the steps are built by {@link Transition}. */
    TRANSITION("transition"),

    /** Adds a new task, holding its idempotency key. */
    SUBMIT("submit"),

    /** Reads a consumer's new entries with their tasks. */
    READ("read"),

    /** Moves one due retry into its stream. */
    PROMOTE("promote"),

    /** Forgets an expired task and its idempotency key. */
    FORGET("forget"),

    /** A replica's heartbeat, the housekeeping lease and the live count. */
    BEAT("beat"),

    /** Takes back one pending entry of a lost or silent consumer, under the lease. */
    REQUEUE("requeue"),

    /** Forgets a lost replica with nothing pending, under the lease. */
    FORGET_REPLICA("forget-replica");

    private final String text;

    private final String sha;

    LuaScript(String name) {
        String resource = name + ".lua";
        try (InputStream in = LuaScript.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the Lua script " + resource + " is missing beside "
                        + LuaScript.class.getName());
            }
            this.text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        catch (IOException unreadable) {
            throw new UncheckedIOException("cannot read the Lua script " + resource, unreadable);
        }
        this.sha = sha1(text);
    }

    /** The script's source. */
    String text() {
        return text;
    }

    /** The SHA-1 that {@code EVALSHA} knows it by. */
    String sha() {
        return sha;
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
