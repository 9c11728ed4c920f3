package io.meridian.taskserver.queue.redis;

import io.meridian.taskserver.task.Task;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The stored form of a {@link Task}: the JSON in a task hash's {@code json} field, in the dead
 * letters, the recent failures and the change announcements (see {@link RedisKeys}).
 *
 * <p>Design note. A document is the task's JSON with one more field first, {@value #FIELD}, the
 * version of its shape. Documents written before the field existed have none and are read as
 * version 1, the shape they all had. Fields are only ever added under one version (a replica
 * ignores fields it does not know, and {@link Task}'s constructor fills in what an older document
 * lacks, such as the tenant), so replicas of two releases share a Redis during a rolling upgrade;
 * a change that an older replica would misread raises {@link #CURRENT}, and a replica refuses a
 * document newer than it knows rather than guess at it.
 *
 * <p>Version 2 added a chat completion's parameters and tool use (tool calls, {@code tool}
 * messages). A release before it would read such a task as a plain conversation and answer it
 * without them, or fail on the {@code tool} role, so only such a task is written as version 2,
 * which that release refuses by its version; every other task is still written as version 1,
 * which it reads as before.
 */
final class TaskDocument {

    /** The field that holds a document's version. */
    static final String FIELD = "schemaVersion";

    /** The newest version this release writes and reads. */
    static final int CURRENT = 2;

    /** The version of a task without chat parameters or tool use, which every release reads. */
    static final int PLAIN = 1;

    /** The version of a document without {@value #FIELD}: every document written before it existed. */
    static final int UNVERSIONED = 1;


    private final JsonMapper json = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** The mapper documents are read with, for other JSON the backend stores. */
    JsonMapper mapper() {
        return json;
    }

    /** The task as a document of the oldest version that holds it all: {@link #PLAIN} or {@link #CURRENT}. */
    String write(Task task) {
        String body = json.writeValueAsString(task);
        // A task is always an object with fields: the version goes in front of the first.
        return "{\"" + FIELD + "\":" + version(task) + "," + body.substring(1);
    }

    /** The version a task is written as. */
    static int version(Task task) {
        boolean toolUse = task.messages().stream()
                .anyMatch(message -> !message.toolCalls().isEmpty() || message.toolCallId() != null);
        return task.parameters().hasAny() || toolUse ? CURRENT : PLAIN;
    }

    /**
     * Reads a document of any version up to {@link #CURRENT}, or without one.
     *
     * @throws IllegalStateException if it is of a newer version than this release reads
     */
    Task read(String document) {
        return read(json.readTree(document));
    }

    /** {@link #read(String)} from part of a byte array (an announcement after its sender's name). */
    Task read(byte[] bytes, int offset, int length) {
        return read(json.readValue(bytes, offset, length, JsonNode.class));
    }

    private Task read(JsonNode document) {
        int version = version(document);
        if (version > CURRENT) {
            throw new IllegalStateException("a task document of schema version " + version
                    + " was written by a newer release; this one reads up to version " + CURRENT);
        }
        return json.treeToValue(document, Task.class);
    }

    /** The document's version, {@link #UNVERSIONED} if it has none. */
    static int version(JsonNode document) {
        JsonNode version = document.get(FIELD);
        return version == null || !version.isIntegralNumber() ? UNVERSIONED : version.intValue();
    }
}
