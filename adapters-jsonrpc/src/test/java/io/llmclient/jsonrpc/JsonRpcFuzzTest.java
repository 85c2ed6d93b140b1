package io.llmclient.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import io.llmclient.application.accounting.RequestTimer;
import io.llmclient.application.service.LlmService;
import io.llmclient.application.telemetry.MetricsSnapshot;
import io.llmclient.application.telemetry.TimeSource;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.inbound.support.body.JsonCodec;
import io.llmclient.inbound.support.testing.FuzzedService;
import io.llmclient.jsonrpc.dispatch.Dispatcher;
import io.llmclient.jsonrpc.dispatch.Reply;
import io.llmclient.jsonrpc.method.Inbound;
import io.llmclient.jsonrpc.method.LlmMethods;
import io.llmclient.jsonrpc.protocol.Responses;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Any request body at {@code /jsonrpc}, through the hardened parser, the envelope checks, the
 * params validation and the real service (with a fake provider): the dispatcher never throws,
 * and what it answers is a JSON-RPC 2.0 response (or a batch of them) that carries a
 * {@code trace_id} on every error and never the provider's secret (unless the caller sent it).
 * Regression over the committed inputs in every build; docs/security.md has the fuzzing command.
 */
class JsonRpcFuzzTest {
    private static final JsonCodec CODEC = new JsonCodec(64 * 1024);
    private static final LlmService SERVICE = FuzzedService.create();
    private static final Dispatcher DISPATCHER = new Dispatcher(
            LlmMethods.table(SERVICE, () -> new MetricsSnapshot(List.of()), CODEC.nodes()),
            new Responses(CODEC.nodes()));
    private static final Inbound HEADERS = new Inbound(A2aContext.ofTrace("fuzz-trace"),
            SERVICE.governance().anonymous());

    @FuzzTest(maxDuration = "60s")
    void anyBodyGetsAWellFormedJsonRpcAnswer(byte[] body) {
        Reply reply = switch (CODEC.parse(body)) {
            case JsonCodec.Parsed.NotJson notJson -> DISPATCHER.notJson(notJson.reason(), HEADERS);
            case JsonCodec.Parsed.Json json -> DISPATCHER.process(json.value(), HEADERS,
                    new RequestTimer(TimeSource.system(), 0));
        };
        switch (reply) {
            case Reply.NoContent ignored -> {
            }
            case Reply.Stream stream -> assertFalse(stream.traceId().isBlank());
            case Reply.Body answer -> {
                JsonNode json = answer.json();
                if (json.isArray()) {
                    assertTrue(json.size() > 0, "an empty batch answer is sent as 204, never as []");
                    json.forEach(JsonRpcFuzzTest::assertResponse);
                } else {
                    assertResponse(json);
                }
                // Only the provider's secret counts: an answer may quote what the caller sent itself.
                String secret = FuzzedService.SECRET.substring(3, 19);
                if (!new String(body, StandardCharsets.ISO_8859_1).contains(secret)) {
                    assertFalse(new String(CODEC.write(json), StandardCharsets.UTF_8).contains(secret),
                            "the provider's secret leaked");
                }
            }
        }
    }

    private static void assertResponse(JsonNode response) {
        assertEquals("2.0", response.path("jsonrpc").asText(), response::toString);
        assertTrue(response.has("id"), response::toString);
        boolean result = response.has("result");
        boolean error = response.has("error");
        if (result == error) {
            fail("exactly one of result and error: " + response);
        }
        if (error) {
            JsonNode data = response.path("error").path("data");
            assertTrue(response.path("error").path("code").isInt(), response::toString);
            assertFalse(data.path("type").asText().isEmpty(), response::toString);
            assertFalse(data.path("trace_id").asText().isEmpty(), response::toString);
        }
    }
}
