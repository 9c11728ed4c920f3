package io.meridian.taskserver.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.taskserver.TaskServerProperties;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Task ids name their region and sort by creation time. */
class TaskIdTests {

    private static final Instant NOW = Instant.parse("2026-11-28T03:00:00Z");

    @Test
    void aMintedIdNamesItsRegionBeforeTheFirstDot() {
        TaskId id = TaskId.next("ap-southeast-2", NOW, new SecureRandom());

        assertThat(id.toString()).startsWith("ap-southeast-2.");
        assertThat(id.token()).matches(TaskId.TOKEN_PATTERN).hasSize(26);
        assertThat(TaskId.parse(id.toString())).isEqualTo(id);
    }

    @Test
    void mintedIdsSortByCreationTime() {
        Random random = new Random(1);
        String earlier = TaskId.next("us-east", NOW, random).token();
        String later = TaskId.next("us-east", NOW.plusMillis(1), random).token();

        assertThat(later).isGreaterThan(earlier);
    }

    @Test
    void mintedIdsDiffer() {
        SecureRandom random = new SecureRandom();

        assertThat(IntStream.range(0, 1000).mapToObj(i -> TaskId.next("us-east", NOW, random)).distinct())
                .hasSize(1000);
    }

    @Test
    void acceptsAnyTokenOfTheDocumentedShape() {
        assertThat(TaskId.parse("eu-central.abc_DEF-123").token()).isEqualTo("abc_DEF-123");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "nodot", ".ABCDEFG", "us-east.", "us-east.ABCDE", "us-east.ABC.DEFGH",
            "US-east.ABCDEFG", "us east.ABCDEFG", "us-east.ABCDEFG%2F"})
    void refusesAMalformedIdQuotingIt(String text) {
        assertThatThrownBy(() -> TaskId.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("id must be '<region>.<token>'")
                .hasMessageEndingWith("but was '" + text + "'");
    }

    /** The parts are checked by hand on the hot path; they must accept exactly what the patterns say. */
    @Test
    void acceptsExactlyWhatTheDocumentedPatternsAccept() {
        Random random = new Random(7);
        String alphabet = "azAZ09_-.%é ";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder region = new StringBuilder();
            StringBuilder token = new StringBuilder();
            IntStream.range(0, random.nextInt(6)).forEach(c -> region.append(alphabet.charAt(random.nextInt(alphabet.length()))));
            IntStream.range(0, random.nextInt(70)).forEach(c -> token.append(alphabet.charAt(random.nextInt(alphabet.length()))));
            boolean expected = region.toString().matches(TaskServerProperties.REGION_ID_PATTERN)
                    && token.toString().matches(TaskId.TOKEN_PATTERN);
            boolean accepted;
            try {
                new TaskId(region.toString(), token.toString());
                accepted = true;
            }
            catch (IllegalArgumentException refused) {
                accepted = false;
            }
            assertThat(accepted).as("region '%s', token '%s'", region, token).isEqualTo(expected);
        }
    }

    @Test
    void quotesAtMostEightyCharactersOfAMalformedId() {
        assertThatThrownBy(() -> TaskId.parse("x".repeat(500)))
                .hasMessageEndingWith("'" + "x".repeat(80) + "...'");
    }
}
