package io.meridian.path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.meridian.testing.PathSpellings;
import io.meridian.testing.PathSpellings.Spelling;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class CanonicalPathPropertyTests {

    @Property(tries = 2000)
    void everySpellingIsRefusedOrReadsAsThePlainPath(@ForAll("spellings") Spelling spelling) {
        String canonical;
        try {
            canonical = CanonicalPath.of(spelling.raw());
        } catch (RejectedPathException refused) {
            assertThat(spelling.mustBeAccepted()).as("refused %s: %s", spelling, refused.getMessage()).isFalse();
            return;
        }
        assertThat(canonical).as(spelling.toString()).isEqualTo(spelling.plain());
    }

    @Property(tries = 2000)
    void canonicalisingTwiceChangesNothing(@ForAll("anyPaths") String raw) {
        String canonical;
        try {
            canonical = CanonicalPath.of(raw);
        } catch (RejectedPathException refused) {
            return;
        }
        assertThat(CanonicalPath.of(canonical)).isEqualTo(canonical);
        assertThat(canonical).startsWith("/").doesNotContain("//", ";", "\\", "/./", "/../").doesNotEndWith("/.")
                .doesNotEndWith("/..");
    }

    @Property(tries = 2000)
    void nothingButARefusalEverGoesWrong(@ForAll("anyPaths") String raw) {
        assertThatCode(() -> {
            try {
                CanonicalPath.of(raw);
            } catch (RejectedPathException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }).doesNotThrowAnyException();
    }

    @Provide
    Arbitrary<Spelling> spellings() {
        return Combinators.combine(Arbitraries.of(PathSpellings.PLAIN), Arbitraries.longs()).as(PathSpellings::of);
    }

    @Provide
    Arbitrary<String> anyPaths() {
        Arbitrary<String> pieces = Arbitraries.oneOf(
                Arbitraries.of("/", "//", ".", "..", "%2e", "%2E", "%2f", "%3B", ";", "\\", "%", "%4", "%41", "%7e",
                        "%c3%a9", "%00", "\u0000", " ", "~", "a", "v1", "tasks", "é"),
                Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(3));
        return pieces.list().ofMaxSize(12).map(list -> "/" + String.join("", list));
    }
}
