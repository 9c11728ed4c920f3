package io.meridian.taskserver.web;

import java.util.ArrayDeque;
import java.util.Deque;
import tools.jackson.databind.JsonNode;

/**
 * The shape limits of a request body that its size alone does not bound: how deeply it nests.
 * A body of a few kilobytes can nest thousands of levels, which costs every later reader of it;
 * no request Meridian understands needs more than a handful. Checked without recursion.
 */
public final class JsonLimits {

    private JsonLimits() {
    }

    /**
     * @throws InvalidRequestException {@code 400 json_too_deep} when {@code body} nests deeper than {@code maxDepth}
     */
    public static void checkDepth(JsonNode body, int maxDepth) {
        Deque<JsonNode> level = new ArrayDeque<>();
        level.add(body);
        int depth = 0;
        while (!level.isEmpty()) {
            depth++;
            if (depth > maxDepth) {
                throw new InvalidRequestException(ApiError.JSON_TOO_DEEP, "the request body nests deeper than "
                        + maxDepth + " levels (meridian.server.max-json-depth)", null);
            }
            Deque<JsonNode> next = new ArrayDeque<>();
            for (JsonNode node : level) {
                if (node.isContainer()) {
                    for (JsonNode child : node) {
                        if (child.isContainer()) {
                            next.add(child);
                        }
                    }
                }
            }
            level = next;
        }
    }
}
