package io.meridian.taskserver.llm;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The region's model tiers ({@code meridian.model.tiers.*}): the backend that answers each queue,
 * and the tiers that only stand in as fallbacks.
 *
 * <p>The {@code simple} and {@code complex} tiers answer the queues of the same roles; a tier may
 * name another as its fallback (complex → simple; or a tier of one backend → a tier of another).
 * {@link #primary()} is the region's {@link ChatBackend} bean: it speaks for the simple tier (its
 * name and model are the region's default ones) and honours only the parameters every tier does,
 * since a request is checked before it is known which tier will answer it. A {@link ChatBackend}
 * bean that an application supplies in its place answers both queues, as before tiers existed.
 */
public final class ModelTiers implements AutoCloseable {

    private final Map<String, TierBackend> tiers;

    private final ChatBackend primary;

    private final List<AutoCloseable> owned;

    ModelTiers(Map<String, TierBackend> tiers, List<AutoCloseable> owned) {
        this.tiers = Map.copyOf(tiers);
        this.owned = List.copyOf(owned);
        this.primary = new Primary(tier(ModelProperties.SIMPLE_TIER), tier(ModelProperties.COMPLEX_TIER));
    }

    private TierBackend tier(String name) {
        TierBackend tier = tiers.get(name);
        if (tier == null) {
            throw new IllegalArgumentException("no model tier '" + name + "'");
        }
        return tier;
    }

    /**
     * The backend that answers the simple queue.
     *
     * @return the simple tier
     */
    public ChatBackend simple() {
        return tier(ModelProperties.SIMPLE_TIER);
    }

    /**
     * The backend that answers the complex queue.
     *
     * @return the complex tier
     */
    public ChatBackend complex() {
        return tier(ModelProperties.COMPLEX_TIER);
    }

    /**
     * The region's default backend: the simple tier's name and model, the parameters every tier
     * honours.
     *
     * @return the backend that the {@link ChatBackend} bean is
     */
    public ChatBackend primary() {
        return primary;
    }

    /**
     * Whether a backend is this region's {@link #primary()}, rather than one an application supplied.
     *
     * @param backend the {@link ChatBackend} bean
     * @return {@code true} if the tiers answer the queues
     */
    public boolean isPrimary(ChatBackend backend) {
        return backend == primary;
    }

    /**
     * Each tier's backend, model, fallback and endpoints' state, queue tiers first.
     *
     * @return tier name → details, as readiness reports them
     */
    public Map<String, Object> health() {
        Map<String, Object> health = new LinkedHashMap<>();
        health.put(ModelProperties.SIMPLE_TIER, tier(ModelProperties.SIMPLE_TIER).health());
        health.put(ModelProperties.COMPLEX_TIER, tier(ModelProperties.COMPLEX_TIER).health());
        tiers.keySet().stream().sorted().filter(name -> !health.containsKey(name))
                .forEach(name -> health.put(name, tiers.get(name).health()));
        return health;
    }

    /**
     * Releases the endpoints' schedulers.
     */
    @Override
    public void close() throws Exception {
        for (AutoCloseable closeable : owned) {
            closeable.close();
        }
    }

    /** The simple tier, checked against what both queues' tiers honour. */
    private static final class Primary implements ChatBackend {

        private final ChatBackend simple;

        private final ChatBackend complex;

        private final Set<ChatParameter> supported;

        Primary(ChatBackend simple, ChatBackend complex) {
            this.simple = simple;
            this.complex = complex;
            Set<ChatParameter> both = EnumSet.allOf(ChatParameter.class);
            both.retainAll(simple.supports());
            both.retainAll(complex.supports());
            this.supported = Set.copyOf(both);
        }

        @Override
        public String name() {
            return simple.name();
        }

        @Override
        public String defaultModel() {
            return simple.defaultModel();
        }

        /**
         * What the tier that runs a task for {@code model} says: a queue's model is its tier's
         * default model, and a model both queues share goes to the complex queue, as the classifier
         * sends it.
         */
        @Override
        public String answersAs(@Nullable String model) {
            return model != null && model.equals(complex.defaultModel()) ? complex.answersAs(model)
                    : simple.answersAs(model);
        }

        @Override
        public Set<ChatParameter> supports() {
            return supported;
        }

        @Override
        public Mono<Completion> complete(CompletionRequest request) {
            return simple.complete(request);
        }

        @Override
        public Flux<CompletionDelta> stream(CompletionRequest request) {
            return simple.stream(request);
        }
    }
}
