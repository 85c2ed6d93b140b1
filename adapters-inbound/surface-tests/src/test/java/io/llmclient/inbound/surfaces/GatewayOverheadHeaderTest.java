package io.llmclient.inbound.surfaces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.inbound.support.context.GatewayOverhead;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every answer to one chat request says what the gateway added to it, in {@code X-Gateway-Overhead-Ms}. */
class GatewayOverheadHeaderTest extends HttpTestSupport {
    private static final Pattern MILLIS = Pattern.compile("\\d+\\.\\d{3}");
    private static final String MESSAGES = "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";

    private static Optional<String> overhead(HttpResponse<?> response) {
        return response.headers().firstValue(GatewayOverhead.HEADER);
    }

    private static void assertMillis(HttpResponse<?> response) {
        String value = overhead(response).orElseThrow(() -> new AssertionError("no " + GatewayOverhead.HEADER));
        assertTrue(MILLIS.matcher(value).matches(), value);
    }

    @Test
    void anLlmCompleteAnswerCarriesTheOverhead() {
        assertMillis(post("{\"jsonrpc\":\"2.0\",\"method\":\"llm.complete\",\"params\":{" + MESSAGES + "},\"id\":1}"));
    }

    @Test
    void anLlmStreamCarriesTheOverheadUpToItsFirstByte() {
        var response = post("{\"jsonrpc\":\"2.0\",\"method\":\"llm.stream\",\"params\":{" + MESSAGES + "},\"id\":1}");
        assertTrue(response.body().contains("event: done"), response.body());
        assertMillis(response);
    }

    @Test
    void aBatchCarriesNoOverheadBecauseItsCallsRunConcurrently() {
        var response = post("[{\"jsonrpc\":\"2.0\",\"method\":\"llm.complete\",\"params\":{" + MESSAGES + "},\"id\":1},"
                + "{\"jsonrpc\":\"2.0\",\"method\":\"llm.complete\",\"params\":{" + MESSAGES + "},\"id\":2}]");
        assertEquals(200, response.statusCode());
        assertEquals(Optional.empty(), overhead(response));
    }

    @Test
    void anOpenAiChatCompletionCarriesTheOverhead() {
        assertMillis(postTo("/v1/chat/completions", "{\"model\":\"ok-model\"," + MESSAGES + "}"));
    }

    @Test
    void anOpenAiStreamCarriesTheOverheadUpToItsFirstByte() {
        var response = postTo("/v1/chat/completions", "{\"model\":\"ok-model\",\"stream\":true," + MESSAGES + "}");
        assertTrue(response.body().contains("data: [DONE]"), response.body());
        assertMillis(response);
    }

    @Test
    void anOpenAiProviderFailureStillCarriesTheOverhead() {
        var response = postTo("/v1/chat/completions", "{\"model\":\"fail-model\"," + MESSAGES + "}");
        assertEquals(502, response.statusCode());
        assertMillis(response);
    }

    @Test
    void theHeaderIsMillisecondsWithMicrosecondDecimals() {
        assertEquals("0.412", GatewayOverhead.millis(Duration.ofNanos(412_345)));
        assertEquals("3.007", GatewayOverhead.millis(Duration.ofNanos(3_007_999)));
        assertEquals("12.050", GatewayOverhead.millis(Duration.ofMillis(12).plusNanos(50_000)));
        assertEquals("0.000", GatewayOverhead.millis(Duration.ofNanos(-5)));
    }
}
