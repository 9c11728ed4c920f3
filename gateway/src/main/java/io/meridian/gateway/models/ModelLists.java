package io.meridian.gateway.models;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Merges the regions' answers to {@code GET /v1/models} (and {@code /v1/models/{id}}) into one, in
 * OpenAI's list and model shapes.
 *
 * <p>A model is one id, whichever regions serve it: its {@code created} is the earliest any region
 * reports, its {@code owned_by} the nearest region's, and its {@code meridian} member lists the
 * regions that serve it ({@code regions}, nearest first) and what the id is in each ({@code served}:
 * each region's own {@code meridian} member, with its queue, model and backend). Models come in the
 * order the nearest region lists them, then those only farther regions serve. The list's own
 * {@code meridian} member names the regions that answered and those that did not, with why: a
 * listing with a region missing is still an answer, and says so.
 */
final class ModelLists {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ModelLists() {
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
     * @param answered    the regions that listed their models, nearest first
     * @return one model object per id
     */
    static List<ObjectNode> merge(List<RegionModels> answered) {
        Map<String, ObjectNode> byId = new LinkedHashMap<>();
        for (RegionModels region : answered) {
            for (JsonNode model : region.models()) {
                JsonNode id = model.get("id");
                if (id == null || !id.isString()) {
                    continue; // not a model object: nothing a client could ask for
                }
                ObjectNode merged = byId.computeIfAbsent(id.stringValue(), key -> first(key, model));
                long created = model.path("created").asLong(Long.MAX_VALUE);
                if (created < merged.path("created").asLong(Long.MAX_VALUE)) {
                    merged.put("created", created);
                }
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
     * @param models      the merged models
     * @param answered    the regions that listed their models
     * @param unavailable the regions that did not
     * @return {@code {"object":"list","data":[…],"meridian":{"regions":[…],"unavailable":[…]}}}
     */
    static ObjectNode list(List<ObjectNode> models, List<String> answered, List<Unavailable> unavailable) {
        ObjectNode list = NODES.objectNode();
        list.put("object", "list");
        ArrayNode data = list.putArray("data");
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

    private static ObjectNode first(String id, JsonNode model) {
        ObjectNode merged = NODES.objectNode();
        merged.put("id", id);
        merged.put("object", "model");
        merged.put("created", model.path("created").asLong(0));
        merged.put("owned_by", model.path("owned_by").asString("meridian"));
        ObjectNode meridian = merged.putObject("meridian");
        meridian.putArray("regions");
        meridian.putArray("served");
        return merged;
    }
}
