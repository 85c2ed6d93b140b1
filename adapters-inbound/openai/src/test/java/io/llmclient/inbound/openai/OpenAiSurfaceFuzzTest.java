package io.llmclient.inbound.openai;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.llmclient.application.service.LlmService;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.inbound.support.testing.FuzzedService;
import io.llmclient.inbound.support.body.JsonCodec;

/**
 * Any body at {@code /v1/chat/completions}: it parses, or it is refused as a failure with an
 * OpenAI error shape; reading it into params and preparing the call never throws anything else.
 */
class OpenAiSurfaceFuzzTest {
    private static final JsonCodec CODEC = new JsonCodec(64 * 1024);
    private static final LlmService SERVICE = FuzzedService.create();

    @FuzzTest(maxDuration = "60s")
    void anyBodyIsARequestOrAnOpenAiError(byte[] body) {
        if (!(CODEC.parse(body) instanceof JsonCodec.Parsed.Json json) || !json.value().isObject()) {
            return;
        }
        JsonNode value = json.value();
        try {
            ChatCompletionRequest request = ChatCompletionRequest.read(value);
            SERVICE.prepare(request.params(), A2aContext.ofTrace("fuzz-trace"));
        } catch (LlmFailureException refused) {
            OpenAiError error = OpenAiErrors.of(refused.failure());
            JsonNode shaped = error.body(JsonNodeFactory.instance);
            assertNotNull(shaped.path("error").get("code"), shaped::toString);
            if (!new String(body, java.nio.charset.StandardCharsets.ISO_8859_1).contains(FuzzedService.SECRET)) {
                assertFalse(shaped.toString().contains(FuzzedService.SECRET), shaped::toString);
            }
        }
    }
}
