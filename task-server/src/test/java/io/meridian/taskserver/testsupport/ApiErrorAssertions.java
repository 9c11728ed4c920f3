package io.meridian.taskserver.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.protocol.OpenAiErrors;
import io.meridian.taskserver.web.RegionHeaderFilter;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Checks an error answer against the task server's error contract. */
public final class ApiErrorAssertions {

    private static final ParameterizedTypeReference<Map<String, @Nullable Object>> JSON_OBJECT =
            new ParameterizedTypeReference<>() { };

    private ApiErrorAssertions() {
    }

    /**
     * Asserts that the answer has the given status, the region header and exactly the body
     * {@code {"error": code, "message": ..., "field": field, "status": status}}; on OpenAI's
     * endpoints, exactly {@code {"error": {"message": ..., "type": ..., "param": field, "code": code}}}
     * with OpenAI's type for the status.
     *
     * @param response the answer
     * @param status   the expected HTTP status, also expected in the body
     * @param code     the expected {@code error} code
     * @param field    the expected {@code field}, or {@code null} (which must still be present)
     * @return the message, for further assertions
     */
    public static String assertApiError(WebTestClient.ResponseSpec response, int status, String code,
            @Nullable String field) {
        EntityExchangeResult<Map<String, @Nullable Object>> result = response
                .expectStatus().isEqualTo(status)
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectHeader().valueEquals(RegionHeaderFilter.HEADER, TestRegion.ID)
                .expectBody(JSON_OBJECT)
                .returnResult();
        Map<String, @Nullable Object> body = result.getResponseBody();
        assertThat(body).isNotNull();
        if (OpenAiErrors.isOpenAiPath(result.getUrl().getRawPath())) {
            assertThat(body).containsOnlyKeys("error");
            assertThat(body.get("error")).isInstanceOf(Map.class);
            @SuppressWarnings("unchecked")
            Map<String, @Nullable Object> error = (Map<String, @Nullable Object>) body.get("error");
            assertThat(error).containsOnlyKeys("message", "type", "param", "code");
            assertThat(error).containsEntry("code", code).containsEntry("param", field)
                    .containsEntry("type", OpenAiErrors.type(status, code, field));
            assertThat(error.get("message")).isInstanceOf(String.class).asString().isNotBlank();
            return (String) error.get("message");
        }
        assertThat(body).containsOnlyKeys("error", "message", "field", "status");
        assertThat(body).containsEntry("error", code).containsEntry("field", field).containsEntry("status", status);
        assertThat(body.get("message")).isInstanceOf(String.class).asString().isNotBlank();
        return (String) body.get("message");
    }
}
