package io.meridian.gateway.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Merging the regions' model lists, OpenAI's and Ollama's: one model per id (or name), the earliest
 * created (or modified), the regions nearest first.
 */
class ModelListsTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static JsonNode model(String json) {
        return JSON.readTree(json);
    }

    @Test
    void aModelServedByTwoRegionsIsOneWithBothAndTheEarliestCreated() {
        List<ObjectNode> merged = ModelLists.merge(ModelLists.Format.OPENAI, List.of(
                new ModelLists.RegionModels("us-east", List.of(
                        model("{\"id\":\"qwen3\",\"object\":\"model\",\"created\":200,\"owned_by\":\"ollama\","
                                + "\"meridian\":{\"region\":\"us-east\",\"queue\":\"simple\"}}"))),
                new ModelLists.RegionModels("eu-central", List.of(
                        model("{\"id\":\"qwen3\",\"object\":\"model\",\"created\":100,\"owned_by\":\"openai\"}"),
                        model("{\"id\":\"qwen3:14b\",\"object\":\"model\",\"created\":300,\"owned_by\":\"openai\"}")))));

        assertThat(merged).extracting(model -> model.path("id").stringValue()).containsExactly("qwen3", "qwen3:14b");
        ObjectNode qwen = merged.getFirst();
        assertThat(qwen.path("created").asLong()).isEqualTo(100);
        assertThat(qwen.path("owned_by").stringValue()).isEqualTo("ollama");
        assertThat(qwen.path("meridian").path("regions").valueStream().map(JsonNode::stringValue))
                .containsExactly("us-east", "eu-central");
        assertThat(qwen.path("meridian").path("served").get(0).path("queue").stringValue()).isEqualTo("simple");
        assertThat(qwen.path("meridian").path("served").get(1).path("region").stringValue()).isEqualTo("eu-central");
    }

    @Test
    void whatIsNotAModelObjectIsSkipped() {
        List<ObjectNode> merged = ModelLists.merge(ModelLists.Format.OPENAI, List.of(new ModelLists.RegionModels("us-east", List.of(
                model("{\"object\":\"model\"}"), model("{\"id\":7}"), model("\"qwen3\""),
                model("{\"id\":\"qwen3\"}")))));

        assertThat(merged).singleElement().satisfies(model -> {
            assertThat(model.path("id").stringValue()).isEqualTo("qwen3");
            assertThat(model.path("object").stringValue()).isEqualTo("model");
        });
    }

    @Test
    void theListNamesTheRegionsThatAnsweredAndThoseThatDidNot() {
        ObjectNode list = ModelLists.list(ModelLists.Format.OPENAI, List.of(), List.of("us-east"),
                List.of(new ModelLists.Unavailable("ap-southeast", "timeout")));

        assertThat(list.path("object").stringValue()).isEqualTo("list");
        assertThat(list.path("data").isArray()).isTrue();
        assertThat(list.path("meridian").path("regions").get(0).stringValue()).isEqualTo("us-east");
        assertThat(list.path("meridian").path("unavailable").get(0).path("reason").stringValue()).isEqualTo("timeout");
    }

    @Test
    void anOllamaTagServedByTwoRegionsIsOneWithTheNearestsFieldsAndTheEarliestModifiedAt() {
        List<ObjectNode> merged = ModelLists.merge(ModelLists.Format.OLLAMA, List.of(
                new ModelLists.RegionModels("us-east", List.of(
                        model("{\"name\":\"qwen3\",\"model\":\"qwen3\",\"modified_at\":\"2026-01-02T00:00:00Z\","
                                + "\"size\":0,\"digest\":\"aa\",\"details\":{\"family\":\"qwen3\"},"
                                + "\"meridian\":{\"region\":\"us-east\",\"queue\":\"simple\"}}"))),
                new ModelLists.RegionModels("eu-central", List.of(
                        model("{\"name\":\"qwen3\",\"model\":\"qwen3\",\"modified_at\":\"2026-01-01T01:00:00+02:00\","
                                + "\"size\":5,\"digest\":\"bb\",\"details\":{}}"),
                        model("{\"name\":\"qwen3:14b\",\"modified_at\":\"not a time\"}")))));

        assertThat(merged).extracting(model -> model.path("name").stringValue()).containsExactly("qwen3", "qwen3:14b");
        ObjectNode qwen = merged.getFirst();
        assertThat(qwen.path("modified_at").stringValue()).isEqualTo("2026-01-01T01:00:00+02:00");
        assertThat(qwen.path("digest").stringValue()).isEqualTo("aa");
        assertThat(qwen.path("size").asLong()).isZero();
        assertThat(qwen.path("details").path("family").stringValue()).isEqualTo("qwen3");
        assertThat(qwen.path("meridian").path("regions").valueStream().map(JsonNode::stringValue))
                .containsExactly("us-east", "eu-central");
        assertThat(qwen.path("meridian").path("served").get(0).path("queue").stringValue()).isEqualTo("simple");
        ObjectNode bare = merged.get(1);
        assertThat(bare.path("model").stringValue()).isEqualTo("qwen3:14b");
        assertThat(bare.path("modified_at").stringValue()).isEqualTo("not a time");
        assertThat(bare.path("details").isObject()).isTrue();
        assertThat(bare.has("id")).isFalse();
    }

    @Test
    void anOllamaTagsListHasOllamasMemberAndTheSameMeridianMember() {
        ObjectNode list = ModelLists.list(ModelLists.Format.OLLAMA, List.of(), List.of("us-east"),
                List.of(new ModelLists.Unavailable("ap-southeast", "timeout")));

        assertThat(list.propertyNames()).containsExactly("models", "meridian");
        assertThat(list.path("meridian").path("regions").get(0).stringValue()).isEqualTo("us-east");
        assertThat(list.path("meridian").path("unavailable").get(0).path("region").stringValue()).isEqualTo("ap-southeast");
    }
}
