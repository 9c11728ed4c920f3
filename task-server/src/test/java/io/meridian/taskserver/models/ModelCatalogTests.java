package io.meridian.taskserver.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.taskserver.testsupport.TaskFixtures;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The names a region answers to: its queues' models, its queues and its aliases, and nothing else. */
class ModelCatalogTests {

    private final ModelCatalog catalog = new ModelCatalog("eu-central", "ollama", TaskFixtures.queues(10),
            Map.of("gpt-4o-mini", "simple", "big", "qwen3:14b"));

    @Test
    void aQueuesModelRunsAsThatModelAndAQueuesNameAsThatQueue() {
        assertThat(catalog.resolve("qwen3")).isEqualTo(new ModelCatalog.Target(null, "qwen3"));
        assertThat(catalog.resolve("complex")).isEqualTo(new ModelCatalog.Target("complex", null));
        assertThat(catalog.resolve(null)).isEqualTo(new ModelCatalog.Target(null, null));
    }

    @Test
    void anAliasStandsForItsQueueOrModel() {
        assertThat(catalog.resolve("gpt-4o-mini")).isEqualTo(new ModelCatalog.Target("simple", null));
        assertThat(catalog.resolve("big")).isEqualTo(new ModelCatalog.Target(null, "qwen3:14b"));
    }

    @Test
    void anyOtherNameIsNotFoundNamingTheModelAndTheRegion() {
        assertThatThrownBy(() -> catalog.resolve("gpt-4o-does-not-exist"))
                .isInstanceOfSatisfying(ModelNotFoundException.class, ex -> {
                    assertThat(ex.status()).isEqualTo(404);
                    assertThat(ex.code()).isEqualTo("model_not_found");
                    assertThat(ex.field()).isEqualTo("model");
                    assertThat(ex.getMessage()).contains("'gpt-4o-does-not-exist'").contains("eu-central");
                });
        assertThatThrownBy(() -> catalog.resolve("QWEN3")).isInstanceOf(ModelNotFoundException.class);
    }

    @Test
    void listsModelsThenQueuesThenAliasesWithWhatEachRuns() {
        assertThat(catalog.entries(Set.of())).extracting(ModelCatalog.Entry::id)
                .containsExactly("qwen3", "qwen3:14b", "simple", "complex", "big", "gpt-4o-mini");
        assertThat(catalog.entry("gpt-4o-mini", Set.of())).isEqualTo(new ModelCatalog.Entry("gpt-4o-mini",
                ModelCatalog.Kind.ALIAS, "simple", "qwen3", "simple"));
        assertThat(catalog.entry("qwen3:14b", Set.of()).queue()).isEqualTo("complex");
    }

    @Test
    void aTenantSeesOnlyTheNamesOfTheModelsItMayUse() {
        assertThat(catalog.entries(Set.of("qwen3"))).extracting(ModelCatalog.Entry::id)
                .containsExactly("qwen3", "simple", "gpt-4o-mini");
        assertThatThrownBy(() -> catalog.entry("big", Set.of("qwen3")))
                .isInstanceOfSatisfying(ModelNotFoundException.class,
                        ex -> assertThat(ex.getMessage()).contains("may not use it"));
    }

    @Test
    void anAliasThatHidesANameOrStandsForNothingStopsStartUpNamingIt() {
        assertThatIllegalArgumentException().isThrownBy(() -> new ModelCatalog("r", "ollama", TaskFixtures.queues(1),
                Map.of("qwen3", "complex"))).withMessageContaining("meridian.model.aliases.qwen3");
        assertThatIllegalArgumentException().isThrownBy(() -> new ModelCatalog("r", "ollama", TaskFixtures.queues(1),
                Map.of("fast", "llama3.2"))).withMessageContaining("meridian.model.aliases.fast")
                .withMessageContaining("'llama3.2'");
        assertThatIllegalArgumentException().isThrownBy(() -> new ModelCatalog("r", "ollama", TaskFixtures.queues(1),
                Map.of("a", "b", "b", "simple"))).withMessageContaining("meridian.model.aliases.a");
        assertThat(List.of(catalog.backend(), catalog.region())).containsExactly("ollama", "eu-central");
    }

    private static ModelCatalog withEmbedding(String model, Map<String, String> aliases) {
        return new ModelCatalog("eu-central", "ollama", Map.of(), TaskFixtures.queues(10), aliases,
                new ModelCatalog.Embedding(model, "openai"));
    }

    @Test
    void theEmbeddingModelAndItsAliasesAreListedButOnlyEmbed() {
        ModelCatalog embedding = withEmbedding("nomic-embed-text", Map.of("text-embedding-3-small", "nomic-embed-text"));

        assertThat(embedding.resolveEmbedding(null)).isEqualTo("nomic-embed-text");
        assertThat(embedding.resolveEmbedding("text-embedding-3-small")).isEqualTo("nomic-embed-text");
        ModelCatalog.Entry entry = embedding.entry("nomic-embed-text", Set.of());
        assertThat(entry.kind()).isEqualTo(ModelCatalog.Kind.EMBEDDING);
        assertThat(entry.queue()).isNull();
        assertThat(embedding.backend(entry)).as("the embedding model's own backend").isEqualTo("openai");
        assertThatThrownBy(() -> embedding.resolve("text-embedding-3-small"))
                .isInstanceOfSatisfying(io.meridian.taskserver.web.InvalidRequestException.class, ex -> {
                    assertThat(ex.field()).isEqualTo("model");
                    assertThat(ex.getMessage()).contains("POST /v1/embeddings");
                });
        assertThatThrownBy(() -> embedding.resolveEmbedding("qwen3"))
                .isInstanceOfSatisfying(io.meridian.taskserver.web.InvalidRequestException.class,
                        ex -> assertThat(ex.getMessage()).contains("'qwen3' does not embed").contains("'nomic-embed-text'"));
        assertThatThrownBy(() -> embedding.resolveEmbedding("nope")).isInstanceOf(ModelNotFoundException.class);
    }

    @Test
    void anEmbeddingModelThatIsAlsoAQueuesModelIsOneNameBothEndpointsTake() {
        ModelCatalog shared = withEmbedding("qwen3", Map.of());

        assertThat(shared.resolve("qwen3")).isEqualTo(new ModelCatalog.Target(null, "qwen3"));
        assertThat(shared.resolveEmbedding("qwen3")).isEqualTo("qwen3");
        assertThat(shared.entries(Set.of())).extracting(ModelCatalog.Entry::id)
                .containsExactly("qwen3", "qwen3:14b", "simple", "complex");
    }

    @Test
    void anEmbeddingModelNamedLikeAQueueStopsStartUpAndARegionWithoutOneServesNoEmbeddings() {
        assertThatIllegalArgumentException().isThrownBy(() -> withEmbedding("simple", Map.of()))
                .withMessageContaining("meridian.model.embeddings.model").withMessageContaining("'simple'");
        assertThatThrownBy(() -> catalog.resolveEmbedding(null))
                .isInstanceOfSatisfying(ModelNotFoundException.class, ex -> {
                    assertThat(ex.status()).isEqualTo(404);
                    assertThat(ex.getMessage()).contains("serves no embeddings");
                });
    }
}
