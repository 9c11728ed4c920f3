package io.meridian.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.path.CanonicalPath;
import io.meridian.path.RejectedPathException;
import io.meridian.testing.PathSpellings;
import io.meridian.testing.PathSpellings.Spelling;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ActuatorAccessRuleTests {

    final ActuatorAccessRule rule = new ActuatorAccessRule("/actuator");

    @ParameterizedTest
    @CsvSource({
            "/actuator, true",
            "/actuator/, true",
            "/actuator/prometheus, true",
            "/actuator/metrics/jvm.memory.used, true",
            "/actuator/env, true",
            "/actuator/healthz, true",
            "/actuator/health, false",
            "/actuator/health/, false",
            "/actuator/health/readiness, false",
            "/actuator/health/liveness, false",
            "/actuatorx, false",
            "/process, false",
            "/v1/tasks, false",
            "/, false"})
    void actuatorNeedsTheTokenExceptHealthAndItsGroups(String path, boolean needsToken) {
        assertThat(rule.needsToken(path)).isEqualTo(needsToken);
    }

    @ParameterizedTest
    @CsvSource({
            "/%61ctuator/prometheus, true",
            "/actuator;x=1/prometheus, true",
            "//actuator//env, true",
            "/v1/../actuator/info, true",
            "/actuator/x/../prometheus, true",
            "/actuator/health/../env, true",
            "/actuator/%2e%2e/actuator/env, true",
            "/actuator%2Fprometheus, true",
            "/actuator/health;x=1, true",
            "/%61ctuator/h%65alth, false",
            "/process;x=1, true"})
    void aSpellingIsReadAsItsCanonicalPathAndOneWithoutOneNeedsTheToken(String path, boolean needsToken) {
        assertThat(rule.needsToken(path)).isEqualTo(needsToken);
    }

    @ParameterizedTest
    @CsvSource({
            "/manage/, /manage/prometheus, true",
            "/manage, /manage/health/readiness, false",
            "/manage, /actuator/prometheus, false",
            "/, /prometheus, true",
            "/, /health, false",
            "/, /process, true"})
    void theBasePathIsTheConfiguredOneWithOrWithoutItsTrailingSlash(String basePath, String path, boolean needsToken) {
        assertThat(new ActuatorAccessRule(basePath).needsToken(path)).isEqualTo(needsToken);
    }

    @Property(tries = 2000)
    void everySpellingOfAPathIsJudgedLikeThePlainPathOrNeedsTheToken(@ForAll("spellings") Spelling spelling) {
        boolean plain = rule.needsToken(spelling.plain());
        if (refused(spelling.raw())) {
            assertThat(rule.needsToken(spelling.raw())).as(spelling.toString()).isTrue();
        } else {
            assertThat(rule.needsToken(spelling.raw())).as(spelling.toString()).isEqualTo(plain);
        }
    }

    @Property(tries = 500)
    void noSpellingOfAGuardedActuatorPathGetsPastTheRule(@ForAll("guardedSpellings") Spelling spelling) {
        assertThat(rule.needsToken(spelling.raw())).as(spelling.toString()).isTrue();
    }

    @Provide
    Arbitrary<Spelling> spellings() {
        return Combinators.combine(Arbitraries.of(PathSpellings.PLAIN), Arbitraries.longs())
                .as(PathSpellings::of);
    }

    @Provide
    Arbitrary<Spelling> guardedSpellings() {
        return Combinators.combine(Arbitraries.of(PathSpellings.PLAIN).filter(rule::needsToken), Arbitraries.longs())
                .as(PathSpellings::of);
    }

    private static boolean refused(String raw) {
        try {
            CanonicalPath.of(raw);
            return false;
        } catch (RejectedPathException expected) {
            return true;
        }
    }
}
