package io.meridian.gateway.forwarding;

import java.util.List;
import java.util.Locale;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;

/**
 * What kind of call a request is, for its deadlines: whether its answer comes after the model has
 * run (and may take as long as the region allows), at once, or as a stream.
 *
 * <p>Classified from the method, the canonical path and whether the request asks for a stream: an
 * {@code Accept: text/event-stream} header, or, for a chat completion, {@code "stream": true} in a
 * kept JSON body ({@link RequestBody#asksForStream()}, a scan of the bytes, not a parse). A chat
 * completion whose body is streamed rather than kept is judged by its {@code Accept} header alone.
 * Ollama's {@code POST /api/chat} and {@code POST /api/generate} are chat completions that stream
 * (NDJSON) unless a kept body says {@code "stream": false} ({@link RequestBody#refusesStream()}).
 */
public enum CallKind {

    /**
     * {@code POST /process} and any other call that runs the model before it answers, such as
     * {@code POST /v1/embeddings}: a region answers an embedding within its own embeddings timeout,
     * kept below its sync wait, so the sync wait plus the grace this kind's deadline follows covers it.
     */
    SYNC("sync", false),

    /** A non-streamed chat completion, {@code POST /v1/chat/completions} (or Ollama's, with {@code "stream": false}). */
    CHAT("chat", false),

    /** A streamed chat completion: headers and a first chunk at once, then the tokens. */
    CHAT_STREAM("chat-stream", true),

    /** A call a region answers at once: task reads and other GETs, task submissions and cancels. */
    READ("read", false),

    /** An event stream (SSE): {@code GET /v1/tasks/{id}/events}, or any call accepting text/event-stream. */
    EVENTS("events", true);

    private static final String CHAT_PATH = "/v1/chat/completions";
    private static final String TASKS_PATH = "/v1/tasks";
    private static final String OLLAMA_CHAT_PATH = "/api/chat";
    private static final String OLLAMA_GENERATE_PATH = "/api/generate";

    /** Tag value for metrics and logs. */
    public final String tag;
    private final boolean streamed;

    CallKind(String tag, boolean streamed) {
        this.tag = tag;
        this.streamed = streamed;
    }

    /** Whether the answer is a stream: its deadline is the first byte, then only an idle limit. */
    public boolean streamed() {
        return streamed;
    }

    /** The kind of a request by its method, canonical path, headers and body as held. */
    public static CallKind of(HttpMethod method, String path, HttpHeaders headers, RequestBody body) {
        boolean eventStream = acceptsEventStream(headers);
        if (method == HttpMethod.POST && path.equals(CHAT_PATH)) {
            return eventStream || body.asksForStream() ? CHAT_STREAM : CHAT;
        }
        if (method == HttpMethod.POST && (path.equals(OLLAMA_CHAT_PATH) || path.equals(OLLAMA_GENERATE_PATH))) {
            return body.refusesStream() ? CHAT : CHAT_STREAM;
        }
        if (eventStream || (path.startsWith(TASKS_PATH + "/") && path.endsWith("/events"))) {
            return EVENTS;
        }
        if (method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.DELETE
                || method == HttpMethod.OPTIONS) {
            return READ;
        }
        if (method == HttpMethod.POST && path.equals(TASKS_PATH)) {
            // A task submission answers 202 with the task's id at once; the model runs afterwards.
            return READ;
        }
        return SYNC;
    }

    private static boolean acceptsEventStream(HttpHeaders headers) {
        List<String> accept = headers.get(HttpHeaders.ACCEPT);
        if (accept == null) {
            return false;
        }
        for (String value : accept) {
            if (value.toLowerCase(Locale.ROOT).contains(MediaType.TEXT_EVENT_STREAM_VALUE)) {
                return true;
            }
        }
        return false;
    }
}
