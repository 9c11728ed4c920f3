/**
 * The OpenAI-compatible chat completions API, {@code POST /v1/chat/completions}, plain and
 * streamed, so that any OpenAI client can use {@code http://<host>:<port>/v1} as its base URL.
 * A completion is a task like any other: it goes through the queues and worker pools, with their
 * limits, retries and idempotency keys; only the wire format is OpenAI's. Errors keep Meridian's
 * {@link io.meridian.taskserver.web.ApiError} shape, naming the field at fault
 * ({@code messages[2].role}).
 */
@NullMarked
package io.meridian.taskserver.chat;

import org.jspecify.annotations.NullMarked;
