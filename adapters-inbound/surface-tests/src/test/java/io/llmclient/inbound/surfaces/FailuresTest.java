package io.llmclient.inbound.surfaces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.llmclient.inbound.support.testing.ModelScriptedProvider;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class FailuresTest extends HttpTestSupport {
    private static final String HELLO = "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]";

    private static HttpResponse<String> complete(String params) {
        return post("{\"jsonrpc\":\"2.0\",\"method\":\"llm.complete\",\"params\":" + params + ",\"id\":1}",
                TRACE_HEADER, "t-f");
    }

    private static HttpResponse<String> completeWithModel(String model) {
        return complete("{\"model\":\"" + model + "\"," + HELLO + "}");
    }

    private static String error(int code, String message, String type, String data) {
        return """
                {"jsonrpc":"2.0","id":1,"error":{"code":%d,"message":"%s",
                 "data":{"type":"%s","trace_id":"t-f"%s}}}""".formatted(code, message, type, data);
    }

    @Test
    void invalidParamsListsEveryBrokenFieldWithItsPath() {
        HttpResponse<String> response = complete("""
                {"messages":[{"role":"robot","content":"hi"},{"role":"user","content":5},{"content":"x"}],
                 "temperature":3,"max_tokens":0,"colour":"red"}""");

        assertJsonBody(error(-32602, "Invalid params: colour is not a known field; "
                + "messages[0].role must be one of: system, user, assistant, tool; "
                + "messages[1].content must be a string; messages[2].role is required; "
                + "temperature must be between 0 and 2; max_tokens must be between 1 and 2147483647",
                "InvalidParams", """
                ,"errors":[{"field":"colour","message":"is not a known field"},
                 {"field":"messages[0].role","message":"must be one of: system, user, assistant, tool"},
                 {"field":"messages[1].content","message":"must be a string"},
                 {"field":"messages[2].role","message":"is required"},
                 {"field":"temperature","message":"must be between 0 and 2"},
                 {"field":"max_tokens","message":"must be between 1 and 2147483647"}]"""), response);
    }

    @Test
    void missingParamsReportMessagesAsRequired() {
        HttpResponse<String> response = post("{\"jsonrpc\":\"2.0\",\"method\":\"llm.complete\",\"id\":1}",
                TRACE_HEADER, "t-f");

        assertJsonBody(error(-32602, "Invalid params: messages is required", "InvalidParams",
                ",\"errors\":[{\"field\":\"messages\",\"message\":\"is required\"}]"), response);
    }

    @Test
    void paramsByPositionAreInvalidParams() {
        HttpResponse<String> response = complete("[\"ok-model\",[]]");

        String reason = "by-position (array) params are not supported; pass params as an object by name";
        assertJsonBody(error(-32602, "Invalid params: params " + reason, "InvalidParams",
                ",\"errors\":[{\"field\":\"params\",\"message\":\"" + reason + "\"}]"), response);
    }

    @Test
    void aTemperatureOf1e999IsInvalidParams() {
        HttpResponse<String> response = complete("{" + HELLO + ",\"temperature\":1e999}");

        assertJsonBody(error(-32602, "Invalid params: temperature must be between 0 and 2", "InvalidParams",
                ",\"errors\":[{\"field\":\"temperature\",\"message\":\"must be between 0 and 2\"}]"), response);
    }

    @Test
    void aMaxTokensBeyondAnyIntegerIsInvalidParams() {
        HttpResponse<String> response = complete("{" + HELLO + ",\"max_tokens\":99999999999999999999}");

        assertJsonBody(error(-32602, "Invalid params: max_tokens must be between 1 and 2147483647", "InvalidParams",
                ",\"errors\":[{\"field\":\"max_tokens\",\"message\":\"must be between 1 and 2147483647\"}]"),
                response);
    }

    @Test
    void aModelOutsideTheAllowListIsModelNotAllowed() {
        HttpResponse<String> response = completeWithModel("forbidden-model");

        String allowed = String.join(", ", TestServer.ALLOWED);
        assertJsonBody(error(-32001, "Model 'forbidden-model' is not allowed; allowed models: " + allowed,
                "ModelNotAllowedError", ",\"model\":\"forbidden-model\",\"allowed_models\":"
                        + JSON.valueToTree(TestServer.ALLOWED)), response);
        assertEquals("forbidden-model", server.audited.getLast().attemptedModel());
    }

    @Test
    void anUpstreamErrorIsProviderErrorWithItsStatus() {
        HttpResponse<String> response = completeWithModel("fail-model");

        assertJsonBody(error(-32002, "Provider fake failed with HTTP 502: upstream exploded", "ProviderError",
                ",\"provider\":\"fake\",\"status\":502,\"provider_message\":\"upstream exploded\""), response);
    }

    @Test
    void aConnectionFailureIsProviderErrorWithoutStatus() {
        HttpResponse<String> response = completeWithModel("refused-model");

        assertJsonBody(error(-32002, "Provider fake failed: connection refused", "ProviderError",
                ",\"provider\":\"fake\",\"provider_message\":\"connection refused\""), response);
    }

    @Test
    void anUpstreamTimeoutIsProviderTimeoutError() {
        HttpResponse<String> response = completeWithModel("slow-model");

        assertJsonBody(error(-32003, "Provider fake timed out after 60000 ms", "ProviderTimeoutError",
                ",\"provider\":\"fake\""), response);
    }

    @Test
    void rateLimitingIsRateLimitedErrorWithTheWaitHint() {
        HttpResponse<String> response = completeWithModel("limited-model");

        assertJsonBody(error(-32004, "Provider fake is rate limiting requests; retry after 30.0 s", "RateLimitedError",
                ",\"provider\":\"fake\",\"retry_after_seconds\":30"), response);
    }

    @Test
    void rateLimitingWithoutAHintHasNoRetryAfter() {
        HttpResponse<String> response = completeWithModel("limited-unknown-model");

        assertJsonBody(error(-32004, "Provider fake is rate limiting requests", "RateLimitedError",
                ",\"provider\":\"fake\""), response);
    }

    @Test
    void aModelWhoseProviderIsDownIsProviderUnavailable() {
        HttpResponse<String> response = completeWithModel("down-model");

        assertJsonBody(error(-32005, "Provider 'down' for model 'down-model' is unavailable",
                "ProviderUnavailableError", ",\"provider\":\"down\",\"model\":\"down-model\""), response);
    }

    @Test
    void aTierWithoutAnAvailableModelIsProviderUnavailableNamingTheTier() {
        HttpResponse<String> response = complete("{\"tier\":\"balanced\"," + HELLO + "}");

        assertJsonBody(error(-32005, "No available provider for tier 'balanced'", "ProviderUnavailableError",
                ",\"tier\":\"balanced\""), response);
    }

    @Test
    void aFullQueueIsOverloadedError() {
        HttpResponse<String> response = completeWithModel("busy-model");

        assertJsonBody(error(-32006, "Too many requests waiting for provider fake (queue of 100 is full)",
                "OverloadedError", ",\"provider\":\"fake\",\"queue_size\":100"), response);
    }

    @Test
    void aFullResponseBufferIsOverloadedErrorNamingTheBudget() {
        HttpResponse<String> response = completeWithModel("full-buffer-model");

        assertJsonBody(error(-32006, "Too many large answers being read at once: the answer of provider fake does "
                + "not fit in the 8192 bytes all upstream answers share (LLM_RESPONSE_BUFFER_BYTES); try again shortly",
                "OverloadedError", ",\"provider\":\"fake\",\"response_buffer_bytes\":8192"), response);
    }

    @Test
    void aBugIsAGenericInternalErrorThatLeaksNothing() {
        HttpResponse<String> response = completeWithModel("buggy-model");

        assertJsonBody(error(-32603, "Internal error; the trace_id identifies it in the service log",
                "InternalError", ""), response);
        assertFalse(response.body().contains(ModelScriptedProvider.SECRET.substring(3, 11)));
    }
}
