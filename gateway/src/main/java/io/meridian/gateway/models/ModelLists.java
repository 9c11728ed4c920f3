package io.meridian.gateway.models;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Merges the regions' model lists into one: OpenAI's {@code GET /v1/models} (and one model of
 * {@code /v1/models/{id}}) or Ollama's {@code GET /api/tags}, each in its own shape ({@link Format}).
 *
 * <p>A model is one id (OpenAI's {@code id}, Ollama's {@code name}), whichever regions serve it.
 * Its fields are the nearest region's, but for its age: OpenAI's {@code created} and Ollama's
 * {@code modified_at} are the earliest any region reports (since when Meridian serves it). Its
 * {@code meridian} member lists the regions that serve it ({@code regions}, nearest first) and what
 * the id is in each ({@code served}: each region's own {@code meridian} member, with its queue,
 * model and backend). Models come in the order the nearest region lists them, then those only
 * farther regions serve. The list's own {@code meridian} member names the regions that answered
 * and those that did not, with why: a listing with a region missing is still an answer, and says so.
 */
final class ModelLists {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ModelLists() {
    }

    /** The wire format of a model list. */
    enum Format {

        /** OpenAI's: {@code {"object":"list","data":[{"id","object":"model","created","owned_by"}]}}. */
        OPENAI("data", "id"),

        /**
         * Ollama's: {@code {"models":[{"name","model","modified_at","size","digest","details":{…}}]}}.
         */
        OLLAMA("models", "name");

        private final String member;

        private final String key;

        Format(String member, String key) {
            this.member = member;
            this.key = key;
        }

        /** @return the list's member that holds the models: {@code data} or {@code models} */
        String member() {
            return member;
        }
    }

    /**
     * One region's models.
     *
     * @param region the region
     * @param models its model objects, in its order
     */
    record RegionModels(String region, List<JsonNode> models) {
    }

    /**
     * A region that gave no list.
     *
     * @param region the region
     * @param reason why, for a human
     */
    record Unavailable(String region, String reason) {
    }

    /**
     * The merged models.
     *
     * @param format   the models' shape
     * @param answered the regions that listed their models, nearest first
     * @return one model object per id
     */
    static List<ObjectNode> merge(Format format, List<RegionModels> answered) {
        Map<String, ObjectNode> byId = new LinkedHashMap<>();
        for (RegionModels region : answered) {
            for (JsonNode model : region.models()) {
                JsonNode id = model.get(format.key);
                if (id == null || !id.isString()) {
                    continue; // not a model object: nothing a client could ask for
                }
                ObjectNode merged = byId.computeIfAbsent(id.stringValue(), key -> first(format, key, model));
                keepTheEarliest(format, merged, model);
                ObjectNode meridian = (ObjectNode) merged.get("meridian");
                ArrayNode regions = (ArrayNode) meridian.get("regions");
                if (regions.valueStream().noneMatch(known -> known.stringValue().equals(region.region()))) {
                    regions.add(region.region());
                    JsonNode served = model.get("meridian");
                    ObjectNode entry = served != null && served.isObject() ? ((ObjectNode) served).deepCopy() : NODES.objectNode();
                    entry.put("region", region.region());
                    ((ArrayNode) meridian.get("served")).add(entry);
                }
            }
        }
        return List.copyOf(byId.values());
    }

    /**
     * The list answer.
     *
     * @param format      the list's shape
     * @param models      the merged models
     * @param answered    the regions that listed their models
     * @param unavailable the regions that did not
     * @return {@code {"object":"list","data":[…],…}} or {@code {"models":[…],…}}, with
     *         {@code "meridian":{"regions":[…],"unavailable":[…]}}
     */
    static ObjectNode list(Format format, List<ObjectNode> models, List<String> answered,
            List<Unavailable> unavailable) {
        ObjectNode list = NODES.objectNode();
        if (format == Format.OPENAI) {
            list.put("object", "list");
        }
        ArrayNode data = list.putArray(format.member);
        models.forEach(data::add);
        ObjectNode meridian = list.putObject("meridian");
        ArrayNode regions = meridian.putArray("regions");
        answered.forEach(regions::add);
        ArrayNode missing = meridian.putArray("unavailable");
        for (Unavailable region : unavailable) {
            missing.addObject().put("region", region.region()).put("reason", region.reason());
        }
        return list;
    }

    private static ObjectNode first(Format format, String id, JsonNode model) {
        ObjectNode merged = NODES.objectNode();
        switch (format) {
            case OPENAI -> {
                merged.put("id", id);
                merged.put("object", "model");
                merged.put("created", model.path("created").asLong(0));
                merged.put("owned_by", model.path("owned_by").asString("meridian"));
            }
            case OLLAMA -> {
                merged.put("name", id);
                merged.put("model", model.path("model").asString(id));
                if (model.path("modified_at").isString()) {
                    merged.put("modified_at", model.path("modified_at").stringValue());
                }
                merged.put("size", model.path("size").asLong(0));
                merged.put("digest", model.path("digest").asString(""));
                JsonNode details = model.get("details");
                merged.set("details", details != null && details.isObject() ? details.deepCopy() : NODES.objectNode());
            }
        }
        ObjectNode meridian = merged.putObject("meridian");
        meridian.putArray("regions");
        meridian.putArray("served");
        return merged;
    }

    private static void keepTheEarliest(Format format, ObjectNode merged, JsonNode model) {
        switch (format) {
            case OPENAI -> {
                long created = model.path("created").asLong(Long.MAX_VALUE);
                if (created < merged.path("created").asLong(Long.MAX_VALUE)) {
                    merged.put("created", created);
                }
            }
            case OLLAMA -> {
                OffsetDateTime modified = time(model.path("modified_at"));
                OffsetDateTime known = time(merged.path("modified_at"));
                if (modified != null && (known == null || modified.isBefore(known))) {
                    merged.put("modified_at", model.path("modified_at").stringValue());
                }
            }
        }
    }

    /** An RFC 3339 time, as Ollama writes {@code modified_at}; {@code null} for anything else. */
    private static @Nullable OffsetDateTime time(JsonNode node) {
        if (!node.isString()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(node.stringValue());
        } catch (DateTimeParseException notATime) {
            return null;
        }
    }
}
