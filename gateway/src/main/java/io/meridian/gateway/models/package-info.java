/**
 * {@code GET /v1/models}, {@code GET /v1/models/{id}} and Ollama's {@code GET /api/tags} across
 * regions: the gateway asks every region the request may reach for its models at once, merges the
 * answers by id (or name) and says which regions serve each ({@link io.meridian.gateway.models.ModelsFanOutFilter},
 * {@link io.meridian.gateway.models.ModelLists}).
 */
@NullMarked
package io.meridian.gateway.models;

import org.jspecify.annotations.NullMarked;
