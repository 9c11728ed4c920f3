package io.meridian.path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import io.meridian.path.RejectedPathException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CanonicalPathTests {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "/process                          | /process",
            "/%70rocess                        | /process",
            "/%761/tasks                       | /v1/tasks",
            "/v%31/chat/completions            | /v1/chat/completions",
            "/%61ctuator/prometheus            | /actuator/prometheus",
            "/%41%5a%61%7A%30%39%2D%2E%5F%7E   | /AZaz09-._~",
            "/v1//tasks                        | /v1/tasks",
            "//v1///tasks//                    | /v1/tasks/",
            "/v1/./tasks                       | /v1/tasks",
            "/v1/x/../tasks                    | /v1/tasks",
            "/v1/x/%2e%2E/tasks                | /v1/tasks",
            "/v1/x/.%2e/tasks                  | /v1/tasks",
            "/actuator/health/../prometheus    | /actuator/prometheus",
            "/v1/tasks/.                       | /v1/tasks/",
            "/v1/tasks/..                      | /v1/",
            "/..%2E.                           | /....",
            "/.x/..y/x..                       | /.x/..y/x..",
            "/v1/tasks/                        | /v1/tasks/",
            "/                                 | /",
            "''                                | /",
            "//                                | /",
            "/./                               | /",
            "/a/..                             | /",
            "/v1/tasks/eu%20x                  | /v1/tasks/eu%20x",
            "/v1/tasks/eu%3fx%23               | /v1/tasks/eu%3Fx%23",
            "/caf%c3%a9                        | /caf%C3%A9",
            "/%25%37%30rocess                  | /%2570rocess",
            "/a:b@c!$&'()*+,=                  | /a:b@c!$&'()*+,="})
    void readsEverySpellingAsItsCanonicalPath(String raw, String canonical) {
        assertThat(CanonicalPath.of(raw)).isEqualTo(canonical);
        assertThat(CanonicalPath.of(canonical)).as("a canonical path is its own canonical form").isEqualTo(canonical);
    }

    @ParameterizedTest(name = "{0} is refused: {1}")
    @CsvSource(delimiter = '|', value = {
            "/process;x=1                      | PATH_PARAMETER             | 8",
            "/v1;/tasks                        | PATH_PARAMETER             | 3",
            "/v1/queues;                       | PATH_PARAMETER             | 10",
            "/actuator;x=1/prometheus          | PATH_PARAMETER             | 9",
            "/actuator/health/..;/prometheus   | PATH_PARAMETER             | 19",
            "/v1%3b/tasks                      | PATH_PARAMETER             | 3",
            "/v1%2Ftasks                       | ENCODED_SLASH              | 3",
            "/v1/tasks/eu%2fx                  | ENCODED_SLASH              | 12",
            "/v1\\tasks                        | BACKSLASH                  | 3",
            "/v1%5Ctasks                       | BACKSLASH                  | 3",
            "/v1/tasks%00                      | CONTROL_CHARACTER          | 9",
            "/v1/tasks%0d%0aX-Evil:1           | CONTROL_CHARACTER          | 9",
            "/v1/tasks%7f                      | CONTROL_CHARACTER          | 9",
            "/v1/ta sks                        | ILLEGAL_CHARACTER          | 6",
            "/v1/ta\"sks                       | ILLEGAL_CHARACTER          | 6",
            "/v1/tâsks                         | ILLEGAL_CHARACTER          | 5",
            "/v1/{id}                          | ILLEGAL_CHARACTER          | 4",
            "/v1/tasks%                        | MALFORMED_PERCENT_ENCODING | 9",
            "/v1/tasks%4                       | MALFORMED_PERCENT_ENCODING | 9",
            "/v1/tasks%g0                      | MALFORMED_PERCENT_ENCODING | 9",
            "/v1/%%30                          | MALFORMED_PERCENT_ENCODING | 4",
            "/..                               | ABOVE_ROOT                 | 1",
            "/v1/../../actuator                | ABOVE_ROOT                 | 7",
            "/%2e%2e/actuator                  | ABOVE_ROOT                 | 1",
            "/./../x                           | ABOVE_ROOT                 | 3",
            "process                           | NOT_ABSOLUTE               | 0",
            "*                                 | NOT_ABSOLUTE               | 0"})
    void refusesSpellingsWithoutOneMeaning(String raw, Reason reason, int index) {
        assertThatExceptionOfType(RejectedPathException.class).isThrownBy(() -> CanonicalPath.of(raw))
                .satisfies(refused -> {
                    assertThat(refused.reason()).isEqualTo(reason);
                    assertThat(refused.index()).isEqualTo(index);
                    assertThat(refused.getMessage()).isNotBlank();
                    assertThat(refused.getStackTrace()).isEmpty();
                });
    }

    @Test
    void controlCharactersWrittenAsTheyAreAreRefusedToo() {
        for (char c : new char[] {'\0', '\t', '\r', '\n', 0x7F}) {
            assertThatExceptionOfType(RejectedPathException.class).isThrownBy(() -> CanonicalPath.of("/v1/" + c))
                    .extracting(RejectedPathException::reason).isEqualTo(Reason.CONTROL_CHARACTER);
        }
    }

    @Test
    void aMessageSaysWhatWasWrongAndWhere() {
        assertThatExceptionOfType(RejectedPathException.class).isThrownBy(() -> CanonicalPath.of("/v1/x%2Fy"))
                .withMessageContaining("encoded '/'").withMessageContaining("index 5");
        assertThatExceptionOfType(RejectedPathException.class).isThrownBy(() -> CanonicalPath.of("/v1/../.."))
                .withMessageContaining("'..'").withMessageContaining("above the root");
    }

    @Test
    void anAlreadyCanonicalPathIsReturnedAsItIs() {
        String path = new String("/v1/tasks/eu-central.01JD3X9K2M/events");
        assertThat(CanonicalPath.of(path)).isSameAs(path);
        String dots = new String("/v1/tasks/.well/..known/...");
        assertThat(CanonicalPath.of(dots)).isSameAs(dots);
    }
}
