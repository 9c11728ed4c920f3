/**
 * The models a region serves: {@link io.meridian.taskserver.models.ModelCatalog} (each queue's
 * model, the queues' names and the configured aliases, {@code meridian.model.aliases}), which
 * checks the {@code model} of a chat completion ({@code 404 model_not_found} for any other name),
 * and {@code GET /v1/models} and {@code GET /v1/models/{id}} in OpenAI's list and object shapes.
 */
@NullMarked
package io.meridian.taskserver.models;

import org.jspecify.annotations.NullMarked;
