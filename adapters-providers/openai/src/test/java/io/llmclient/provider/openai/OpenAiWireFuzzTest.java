package io.llmclient.provider.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.application.provider.ApiKey;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.domain.stream.ToolCallAssembler;
import io.llmclient.provider.conformance.KeyLeaks;
import io.llmclient.provider.openai.failure.OpenAiErrorMapper;
import io.llmclient.provider.support.sse.EventStreamReader;
import io.llmclient.provider.support.sse.ServerSentEvent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * Whatever OpenAI (or anything posing as it) sends: a stream is assembled or refused with a
 * named failure (WireFormatException, LlmFailureException), a completion body maps or is
 * malformed, an error answer always maps to a failure, and no failure carries the key.
 * Regression over the committed inputs in every build; docs/security.md has the fuzzing command.
 */
class OpenAiWireFuzzTest {
    private static final String KEY = "sk-proj-FuzzKey0123456789abcdefghijKEY9";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final OpenAiErrorMapper ERRORS = new OpenAiErrorMapper(JSON, Optional.of(new ApiKey(KEY)),
            Clock.systemUTC());

    @FuzzTest(maxDuration = "30s")
    void anyEventStreamIsAssembledOrRefusedByName(byte[] upstream) {
        var assembler = new StreamAssembler(JSON, ERRORS);
        var reader = new EventStreamReader(new ByteArrayInputStream(upstream), 64 * 1024);
        var deltas = new StringBuilder();
        var fragments = new ToolCallAssembler();
        try {
            for (Optional<ServerSentEvent> event = reader.next(); event.isPresent() && !assembler.done();
                 event = reader.next()) {
                for (StreamEvent out : assembler.accept(event.get())) {
                    switch (out) {
                        case StreamEvent.Delta delta -> deltas.append(delta.text());
                        case StreamEvent.ToolCallDelta fragment -> fragments.add(fragment);
                        case StreamEvent.Completed ignored -> { }
                        case StreamEvent.Failed ignored -> { }
                    }
                }
            }
            if (assembler.done()) {
                assertEquals(deltas.toString(), assembler.result().content(), "the deltas make the content");
                assertEquals(fragments.toolCalls(), assembler.result().toolCalls(), "the fragments make the calls");
            }
        } catch (IOException | WireFormatException refused) {
            // Named refusals: the provider reports them as ProviderError.
        } catch (LlmFailureException failed) {
            assertNoKey(failed.failure());
        }
    }

    @FuzzTest(maxDuration = "30s")
    void anyCompletionBodyMapsOrIsMalformed(byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException notJson) {
            return;
        }
        try {
            OpenAiResponseMapper.Completion completion = OpenAiResponseMapper.completion(root);
            assertTrue(completion.usage().promptTokens() >= 0 && completion.usage().completionTokens() >= 0);
        } catch (WireFormatException malformed) {
            // The provider reports it as ProviderError "malformed response".
        }
    }

    @FuzzTest(maxDuration = "30s")
    void anyErrorAnswerBecomesAFailureThatNeverCarriesTheKey(FuzzedDataProvider data) {
        int status = data.consumeInt(100, 599);
        Map<String, String> headers = Map.of("retry-after", data.consumeString(40), "retry-after-ms",
                data.consumeString(40), "x-should-retry", data.consumeString(10), "content-type", data.consumeString(40));
        boolean echoKey = data.consumeBoolean();
        int splice = data.consumeInt();
        String text = data.consumeRemainingAsString();
        byte[] body = (echoKey ? KeyLeaks.splice(text, KEY, splice) : text).getBytes(StandardCharsets.UTF_8);
        assertNoKey(ERRORS.fromHttp(status, name -> Optional.ofNullable(headers.get(name)), body));
    }

    private static void assertNoKey(LlmFailure failure) {
        KeyLeaks.runOf(KEY, failure.message()).ifPresent(run -> {
            throw new AssertionError("the key leaked (" + run + ") into: " + failure.message());
        });
    }
}
