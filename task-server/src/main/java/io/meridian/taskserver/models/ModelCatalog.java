package io.meridian.taskserver.models;

import io.meridian.taskserver.llm.ModelProperties;
import io.meridian.taskserver.queue.QueueSettings;
import io.meridian.taskserver.queue.Queues;
import io.meridian.taskserver.web.ApiError;
import io.meridian.taskserver.web.InvalidRequestException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The names a region answers to in a request's {@code model}, and what each stands for.
 *
 * <p>Three kinds of name, all listed by {@code GET /v1/models}: each queue's model
 * ({@code qwen3}, {@code qwen3:14b}), which runs on its queue; each queue's name ({@code simple},
 * {@code complex}), which picks the queue and its model; and the aliases of
 * {@code meridian.model.aliases}, each standing for a queue or a queue's model (so a client written
 * for another provider's names, {@code gpt-4o-mini}, can be pointed at a queue without changing
 * its code). Any other name is refused with {@code 404 model_not_found}: a region never serves a
 * model it was not configured for under a name the client did not choose.
 *
 * <p>The names are checked when the catalog is built: an alias must not hide a model or a queue,
 * and must stand for one of them, so a bad configuration stops start-up naming the alias. The
 * backend ({@code simulated}, {@code ollama}, {@code openai}) is reported with each name, so a
 * simulated region's {@code qwen3:14b} says it is simulated.
 *
 * <p>A region that serves embeddings adds a fourth kind, its embedding model
 * ({@code meridian.model.embeddings.model}), which only {@code POST /v1/embeddings} takes; aliases
 * may stand for it too. A chat completion naming it, or an embeddings request naming a chat model,
 * is a 400 naming {@code model} that says which endpoint takes it, not a 404: the name exists. An
 * embedding model that is also a queue's model (one Ollama model can do both) is one name, listed
 * once as the queue's model, that both endpoints take.
 */
public final class ModelCatalog {

    private final String region;

    private final String backend;

    private final Map<String, Entry> entries;

    private final Map<String, String> backends;

    private final @Nullable Embedding embedding;

    /**
     * Builds the catalog.
     *
     * @param region  the region's id, for messages
     * @param backend the backend's name, reported with each model
     * @param queues  the region's queues
     * @param aliases alias → queue name or queue model ({@code meridian.model.aliases})
     * @throws IllegalArgumentException naming the alias, if one hides a model or a queue or stands
     *                                  for neither
     */
    public ModelCatalog(String region, String backend, Queues queues, Map<String, String> aliases) {
        this(region, backend, Map.of(), queues, aliases);
    }

    /**
     * Builds the catalog of a region whose queues run on different backends (model tiers).
     *
     * @param region   the region's id, for messages
     * @param backend  the region's default backend, reported for a queue that {@code backends} omits
     * @param backends queue name → the backend of its tier
     * @param queues   the region's queues
     * @param aliases  alias → queue name or queue model ({@code meridian.model.aliases})
     * @throws IllegalArgumentException naming the alias, if one hides a model or a queue or stands
     *                                  for neither
     */
    public ModelCatalog(String region, String backend, Map<String, String> backends, Queues queues,
            Map<String, String> aliases) {
        this(region, backend, backends, queues, aliases, null);
    }

    /**
     * Builds the catalog of a region that may also serve embeddings.
     *
     * @param region    the region's id, for messages
     * @param backend   the region's default backend, reported for a queue that {@code backends} omits
     * @param backends  queue name → the backend of its tier
     * @param queues    the region's queues
     * @param aliases   alias → queue name, queue model or the embedding model ({@code meridian.model.aliases})
     * @param embedding the embedding model, or {@code null} when the region serves no embeddings
     * @throws IllegalArgumentException naming the alias, if one hides a model or a queue or stands
     *                                  for none; or if the embedding model is a queue's name
     */
    public ModelCatalog(String region, String backend, Map<String, String> backends, Queues queues,
            Map<String, String> aliases, @Nullable Embedding embedding) {
        this.region = region;
        this.embedding = embedding;
        this.backend = backend;
        this.backends = Map.copyOf(backends);
        Map<String, Entry> names = new LinkedHashMap<>();
        // The classifier sends a model that is the complex queue's to the complex queue first.
        List<QueueSettings> byModel = List.of(queues.complex(), queues.simple());
        for (QueueSettings queue : queues.all()) {
            QueueSettings runs = byModel.stream().filter(q -> q.model().equals(queue.model())).findFirst().orElse(queue);
            names.putIfAbsent(queue.model(), new Entry(queue.model(), Kind.MODEL, runs.name(), queue.model(), null));
        }
        for (QueueSettings queue : queues.all()) {
            if (names.containsKey(queue.name())) {
                throw new IllegalArgumentException("queue name '" + queue.name() + "' is also a queue's model; "
                        + "a request naming it could mean either");
            }
            names.put(queue.name(), new Entry(queue.name(), Kind.QUEUE, queue.name(), queue.model(), null));
        }
        if (embedding != null) {
            Entry taken = names.get(embedding.model());
            if (taken != null && taken.kind() == Kind.QUEUE) {
                throw new IllegalArgumentException("meridian.model.embeddings.model must not be a queue's name, "
                        + "which a chat completion uses to pick the queue, but was '" + embedding.model() + "'");
            }
            names.putIfAbsent(embedding.model(), new Entry(embedding.model(), Kind.EMBEDDING, null,
                    embedding.model(), null));
        }
        for (Map.Entry<String, String> alias : new TreeMap<>(aliases).entrySet()) {
            String name = alias.getKey();
            String target = alias.getValue().strip();
            if (names.containsKey(name)) {
                throw new IllegalArgumentException(ModelProperties.PREFIX + ".aliases." + name + " must not be a queue's "
                        + "name or model, which it would hide, but was '" + name + "'");
            }
            Entry to = names.get(target);
            if (to == null || to.kind() == Kind.ALIAS) {
                throw new IllegalArgumentException(ModelProperties.PREFIX + ".aliases." + name + " must name a queue "
                        + "or a model (" + String.join(", ", names.keySet()) + "), but was '" + target + "'");
            }
            names.put(name, new Entry(name, Kind.ALIAS, to.queue(), to.model(), target));
        }
        this.entries = names;
    }

    /**
     * What a request's {@code model} asks for.
     *
     * @param requested the name, or {@code null} for the classifier's choice
     * @return the queue it names (or {@code null}) and the model it names (or {@code null})
     * @throws ModelNotFoundException if the region does not answer to the name
     */
    public Target resolve(@Nullable String requested) {
        if (requested == null) {
            return new Target(null, null);
        }
        Entry entry = entries.get(requested);
        if (entry == null) {
            throw new ModelNotFoundException(requested, region, false);
        }
        Kind meaning = entry.kind() == Kind.ALIAS ? entries.get(entry.aliasOf()).kind() : entry.kind();
        return switch (meaning) {
            case MODEL, ALIAS -> new Target(null, entry.model());
            case QUEUE -> new Target(entry.queue(), null);
            case EMBEDDING -> throw new InvalidRequestException(ApiError.INVALID_REQUEST, "the model '"
                    + shown(requested) + "' is region " + region + "'s embedding model, which only POST /v1/embeddings "
                    + "takes; GET /v1/models lists the models a chat can use", "model");
        };
    }

    /**
     * The model an embeddings request's {@code model} asks for.
     *
     * @param requested the name, or {@code null} for the region's embedding model
     * @return the embedding model
     * @throws ModelNotFoundException  if the region serves no embeddings, or does not answer to the name
     * @throws InvalidRequestException naming {@code model}, if the name is a chat model's or queue's
     */
    public String resolveEmbedding(@Nullable String requested) {
        if (embedding == null) {
            throw new ModelNotFoundException(requested == null ? "(none named)" : requested, region,
                    "it serves no embeddings (meridian.model.embeddings.enabled is false)");
        }
        if (requested == null || requested.equals(embedding.model())) {
            return embedding.model();
        }
        Entry entry = entries.get(requested);
        if (entry == null) {
            throw new ModelNotFoundException(requested, region, false);
        }
        if (!entry.model().equals(embedding.model())) {
            throw new InvalidRequestException(ApiError.INVALID_REQUEST, "the model '" + shown(requested)
                    + "' does not embed in region " + region + "; its embedding model is '" + embedding.model() + "'",
                    "model");
        }
        return embedding.model();
    }

    private static String shown(String model) {
        return model.length() <= 100 ? model : model.substring(0, 100) + "...";
    }

    /**
     * Every name, models first, then the queues, the embedding model, then the aliases by name, as a tenant may use them.
     *
     * @param allowedModels the models the tenant may use; empty: any
     * @return the entries whose model the tenant may use
     */
    public List<Entry> entries(Collection<String> allowedModels) {
        List<Entry> visible = new ArrayList<>();
        for (Entry entry : entries.values()) {
            if (allowedModels.isEmpty() || allowedModels.contains(entry.model())) {
                visible.add(entry);
            }
        }
        return visible;
    }

    /**
     * One name, as a tenant may use it.
     *
     * @param id            the name
     * @param allowedModels the models the tenant may use; empty: any
     * @return the entry
     * @throws ModelNotFoundException if there is no such name, or the tenant may not use its model
     */
    public Entry entry(String id, Collection<String> allowedModels) {
        Entry entry = entries.get(id);
        if (entry == null || !allowedModels.isEmpty() && !allowedModels.contains(entry.model())) {
            throw new ModelNotFoundException(id, region, true);
        }
        return entry;
    }

    /**
     * The region's default backend: the simple queue's.
     *
     * @return e.g. {@code simulated}
     */
    public String backend() {
        return backend;
    }

    /**
     * The backend that answers a name: its queue's tier's.
     *
     * @param entry the name
     * @return e.g. {@code ollama}
     */
    public String backend(Entry entry) {
        if (entry.queue() == null) {
            return embedding != null ? embedding.backend() : backend;
        }
        return backends.getOrDefault(entry.queue(), backend);
    }

    /**
     * The region.
     *
     * @return its id
     */
    public String region() {
        return region;
    }

    /** What a name is. */
    public enum Kind {

        /** A queue's model. */
        MODEL,

        /** A queue's name. */
        QUEUE,

        /** A configured alias. */
        ALIAS,

        /** The region's embedding model, which only {@code POST /v1/embeddings} takes. */
        EMBEDDING
    }

    /**
     * One name a request may use.
     *
     * @param id      the name
     * @param kind    what it is
     * @param queue   the queue it runs on (for a model the simple and complex queues share, the one
     *                the classifier picks); {@code null} for the embedding model, which runs on none
     * @param model   the model that answers it
     * @param aliasOf for an alias, the queue or model it stands for; else {@code null}
     */
    public record Entry(String id, Kind kind, @Nullable String queue, String model, @Nullable String aliasOf) {
    }

    /**
     * The region's embedding model.
     *
     * @param model   its name
     * @param backend the backend that runs it
     */
    public record Embedding(String model, String backend) {
    }

    /**
     * What a request's {@code model} asks for.
     *
     * @param queue the queue it names, or {@code null}
     * @param model the model it names, or {@code null}
     */
    public record Target(@Nullable String queue, @Nullable String model) {
    }
}
