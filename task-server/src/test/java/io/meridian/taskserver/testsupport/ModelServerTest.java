package io.meridian.taskserver.testsupport;

import java.time.Duration;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * What {@link OllamaServerTest} and {@link OpenAiServerTest} share: a task server on a random port
 * as region {@link TestRegion#ID}, each task tried once (a failure is final at once, so the
 * endpoints answer it rather than a retry's 202), a client of it that waits as long as a busy
 * machine needs, and the endpoints their tests call.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        TestRegion.PROPERTY,
        "meridian.queues.simple.max-attempts=1" })
@AutoConfigureWebTestClient
public abstract class ModelServerTest {

    /**
     * How long a request may take: the first call of a fresh context warms up the HTTP client and
     * JSON mapping, which takes seconds on a busy machine.
     */
    public static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(60);

    /** A client of the task server on its random port, waiting up to {@link #RESPONSE_TIMEOUT}. */
    protected WebTestClient client;

    @Autowired
    void client(WebTestClient client) {
        this.client = client.mutate().responseTimeout(RESPONSE_TIMEOUT).build();
    }

    /**
     * {@code POST /process}.
     *
     * @param json the body
     * @return the answer
     */
    protected WebTestClient.ResponseSpec process(String json) {
        return post("/process", json);
    }

    /**
     * {@code POST /v1/chat/completions}.
     *
     * @param json the body
     * @return the answer
     */
    protected WebTestClient.ResponseSpec chat(String json) {
        return post("/v1/chat/completions", json);
    }

    private WebTestClient.ResponseSpec post(String path, String json) {
        return client.post().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange();
    }
}
