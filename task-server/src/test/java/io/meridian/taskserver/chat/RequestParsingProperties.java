package io.meridian.taskserver.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.taskserver.models.ModelCatalog;
import io.meridian.taskserver.models.ModelNotFoundException;
import io.meridian.taskserver.task.TaskRequest;
import io.meridian.taskserver.testsupport.TaskFixtures;
import io.meridian.taskserver.web.InvalidRequestException;
import io.meridian.taskserver.web.JsonLimits;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Fuzzing the parsers of request bodies: whatever JSON arrives (fields of the right names with
 * values of any type, nested anyhow, strings with any characters), parsing either yields a request
 * or fails with {@link InvalidRequestException} naming a field (or, for a model the region does not
 * serve, {@link ModelNotFoundException}): never another exception, which would be a 500.
 */
class RequestParsingProperties {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ModelCatalog MODELS = new ModelCatalog("test", "simulated", TaskFixtures.queues(10),
            Map.of("gpt-4o-mini", "simple"));
    private static final List<String> FIELDS = List.of("query", "kind", "model", "messages", "role", "content", "type",
            "text", "stream", "stream_options", "include_usage", "max_tokens", "max_completion_tokens", "temperature",
            "top_p", "n", "x");

    @Property(tries = 2000)
    void aTaskRequestParsesOrIsRefusedNamingWhy(@ForAll("bodies") JsonNode body) {
        assertParsesOrRefuses(() -> TaskRequest.from(body, 100, List.of("simple", "complex")));
    }

    @Property(tries = 2000)
    void aChatCompletionParsesOrIsRefusedNamingWhy(@ForAll("bodies") JsonNode body) {
        assertParsesOrRefuses(() -> ChatCompletionRequest.from(body, MODELS, 8, 1000));
    }

    @Property(tries = 500)
    void theDepthCheckEitherPassesOrRefuses(@ForAll("bodies") JsonNode body) {
        assertParsesOrRefuses(() -> {
            JsonLimits.checkDepth(body, 4);
            return body;
        });
    }

    @Property(tries = 300)
    void textThatIsNotJsonNeverReachesTheParsersAsAnythingButAnError(@ForAll("texts") String text) {
        try {
            JsonNode node = JsonMapper.builder().build().readTree(text);
            assertParsesOrRefuses(() -> TaskRequest.from(node, 100, List.of("simple", "complex")));
        } catch (tools.jackson.core.JacksonException ex) {
            // the web layer answers malformed_json for these
        }
    }

    private static void assertParsesOrRefuses(java.util.concurrent.Callable<?> parse) {
        try {
            assertThat(parse.call()).isNotNull();
        } catch (InvalidRequestException ex) {
            assertThat(ex.getMessage()).isNotBlank();
            assertThat(ex.code()).isNotBlank();
        } catch (ModelNotFoundException ex) {
            assertThat(ex.field()).isEqualTo("model");
        } catch (Exception ex) {
            throw new AssertionError("parsing failed with " + ex + " instead of a 400", ex);
        }
    }

    @Provide
    Arbitrary<JsonNode> bodies() {
        return node(4);
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(40),
                Arbitraries.of("{", "[", "{\"query\":", "{\"query\":\"\\u0000\"}", "{\"query\":1e999}", "null", "\"x\"",
                        "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\"}]}]}"));
    }

    private Arbitrary<JsonNode> node(int depth) {
        Arbitrary<JsonNode> leaf = Arbitraries.oneOf(
                Arbitraries.strings().withCharRange('\u0000', '\u024f').ofMaxLength(30).map(NODES::stringNode),
                Arbitraries.of("user", "assistant", "system", "tool", "robot", "", "text", "qwen3", "simple", "complex")
                        .map(NODES::stringNode),
                Arbitraries.longs().map(NODES::numberNode),
                Arbitraries.bigIntegers().between(BigInteger.TWO.pow(80).negate(), BigInteger.TWO.pow(80))
                        .map(NODES::numberNode),
                Arbitraries.doubles().map(NODES::numberNode),
                Arbitraries.of(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1.0, -1.0).map(NODES::numberNode),
                Arbitraries.of(true, false).map(NODES::booleanNode),
                Arbitraries.just(NODES.nullNode()));
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<JsonNode> object = Arbitraries.maps(Arbitraries.of(FIELDS), Arbitraries.lazy(() -> node(depth - 1)))
                .ofMaxSize(6)
                .map(fields -> {
                    ObjectNode result = NODES.objectNode();
                    fields.forEach(result::set);
                    return result;
                });
        Arbitrary<JsonNode> array = Arbitraries.lazy(() -> node(depth - 1)).list().ofMaxSize(4).map(items -> {
            ArrayNode result = NODES.arrayNode();
            items.forEach(result::add);
            return result;
        });
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, object), net.jqwik.api.Tuple.of(1, array), net.jqwik.api.Tuple.of(2, leaf));
    }
}
