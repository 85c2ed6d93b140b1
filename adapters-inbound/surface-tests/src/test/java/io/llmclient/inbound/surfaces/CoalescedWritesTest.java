package io.llmclient.inbound.surfaces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A provider that hands its deltas on held ("more at hand") and flushes once gets the very same
 * bytes on every surface as one that hands each on alone (decision 38): holding changes when the
 * bytes are written, never which.
 */
class CoalescedWritesTest extends HttpTestSupport {
    private static final String HELLO = "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]";

    @AfterEach
    void oneByOneAgain() {
        server.fake.burst = false;
    }

    private static String both(Supplier<HttpResponse<String>> call) {
        server.fake.burst = false;
        HttpResponse<String> alone = call.get();
        server.fake.burst = true;
        HttpResponse<String> held = call.get();
        assertEquals(200, held.statusCode(), held.body());
        assertEquals(alone.headers().firstValue("Content-Type"), held.headers().firstValue("Content-Type"));
        // Only the ids each stream makes for itself differ.
        String expected = alone.body().replaceAll("(chatcmpl|msg)_?-?[0-9A-Za-z]+", "ID");
        assertEquals(expected, held.body().replaceAll("(chatcmpl|msg)_?-?[0-9A-Za-z]+", "ID"));
        return held.body();
    }

    @Test
    void jsonRpcChunksAreTheSameBytes() {
        String body = both(() -> post("{\"jsonrpc\":\"2.0\",\"method\":\"llm.stream\",\"params\":{\"model\":\"ok-model\","
                + HELLO + "},\"id\":7}", TRACE_HEADER, "t-c"));
        assertTrue(body.startsWith("event: chunk\ndata: {\"delta\":\"Hello \"}\n\nevent: chunk\n"), body);
    }

    @Test
    void openAiChunksAreTheSameBytes() {
        String body = both(() -> postTo("/v1/chat/completions", "{\"model\":\"ok-model\",\"stream\":true," + HELLO + "}"));
        assertTrue(body.endsWith("data: [DONE]\n\n"), body);
    }

    @Test
    void anthropicEventsAreTheSameBytes() {
        String body = both(() -> postTo("/v1/messages", "{\"model\":\"ok-model\",\"max_tokens\":64,\"stream\":true,"
                + HELLO + "}"));
        assertTrue(body.contains("event: content_block_delta\n"), body);
    }
}
