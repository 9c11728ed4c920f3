/**
 * The OpenAI-compatible embeddings API, {@code POST /v1/embeddings}: text (or, on a backend that
 * takes them, token arrays) in, one vector per input out, from the region's embedding model
 * ({@code meridian.model.embeddings.*}) on the simulated, ollama or openai backend. Unlike a chat
 * completion an embedding is not a task: it is one short, bounded call made while the request
 * waits ({@link io.meridian.taskserver.embeddings.EmbeddingService} says why).
 */
@NullMarked
package io.meridian.taskserver.embeddings;

import org.jspecify.annotations.NullMarked;
