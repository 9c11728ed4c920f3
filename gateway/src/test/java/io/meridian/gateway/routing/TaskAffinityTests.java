package io.meridian.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.region.RegionCatalog;
import io.meridian.region.RegionSpec;
import io.meridian.region.RegionsSpec;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpMethod;

class TaskAffinityTests {

    final TaskAffinity affinity = new TaskAffinity(RegionCatalog.from(new RegionsSpec("test", List.of("eu"), null, List.of(
            new RegionSpec("eu-central", null, 50.0, 8.0, List.of("http://127.0.0.1:9002"), null, null, "eu")))));

    @Property(tries = 300)
    void everyWellFormedIdOfAKnownRegionGoesToThatRegion(@ForAll("opaque") String opaque) {
        assertThat(affinity.target(HttpMethod.GET, "/v1/tasks/eu-central." + opaque))
                .isInstanceOfSatisfying(TaskAffinity.TaskRegion.class, t -> assertThat(t.region().id()).isEqualTo("eu-central"));
    }

    @Provide
    Arbitrary<String> opaque() {
        return Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withCharRange('0', '9')
                .withChars('_', '-').ofMinLength(6).ofMaxLength(64);
    }

    @ParameterizedTest
    @ValueSource(strings = {"eu-central", "eu-central.", ".01JD3X9K2M", "eu-central.short", "EU.01JD3X9K2M",
            "eu-central.01JD3X9K2M.x", "eu-central.01JD%2F3X9K2M"})
    void anythingElseIsMalformed(String id) {
        assertThat(affinity.target(HttpMethod.GET, "/v1/tasks/" + id)).isEqualTo(new TaskAffinity.MalformedId(id));
    }

    @Test
    void anOpaquePartLongerThan64CharactersIsMalformed() {
        String id = "eu-central." + "a".repeat(65);

        assertThat(affinity.target(HttpMethod.GET, "/v1/tasks/" + id)).isEqualTo(new TaskAffinity.MalformedId(id));
        assertThat(affinity.target(HttpMethod.GET, "/v1/tasks/eu-central." + "a".repeat(64))).isInstanceOf(TaskAffinity.TaskRegion.class);
    }

    @Test
    void anIdOfAnUnknownRegionIsReportedWithTheRegion() {
        assertThat(affinity.target(HttpMethod.DELETE, "/v1/tasks/us-west.01JD3X9K2M"))
                .isEqualTo(new TaskAffinity.UnknownRegion("us-west.01JD3X9K2M", "us-west"));
    }

    @Test
    void onlyReadingDeletingAndFollowingATaskAreBoundToItsRegion() {
        assertThat(affinity.target(HttpMethod.GET, "/v1/tasks/eu-central.01JD3X9K2M/events")).isInstanceOf(TaskAffinity.TaskRegion.class);
        assertThat(affinity.target(HttpMethod.DELETE, "/v1/tasks/eu-central.01JD3X9K2M/events")).isInstanceOf(TaskAffinity.AnyRegion.class);
        assertThat(affinity.target(HttpMethod.POST, "/v1/tasks/eu-central.01JD3X9K2M")).isInstanceOf(TaskAffinity.AnyRegion.class);
        assertThat(affinity.target(HttpMethod.POST, "/v1/tasks")).isInstanceOf(TaskAffinity.AnyRegion.class);
        assertThat(affinity.target(HttpMethod.GET, "/process")).isInstanceOf(TaskAffinity.AnyRegion.class);
    }
}
