package io.llmclient.provider.gemini;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.application.provider.ApiKey;
import io.llmclient.application.provider.CallContext;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.provider.conformance.KeyLeaks;
import io.llmclient.provider.support.skeleton.StreamAssembler;
import io.llmclient.provider.support.skeleton.WireFormatException;
import io.llmclient.provider.support.sse.EventStreamReader;
import io.llmclient.provider.support.sse.ServerSentEvent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

/**
 * Whatever Gemini (or anything posing as it) sends: stream events and whole answers are read
 * into a reply or refused as a named failure, error answers always become a failure, and no
 * failure carries the key. The targets read the wire the way the provider does
 * ({@link GeminiStreamDecoder}, {@link GeminiErrorMapper}).
 * Regression over the committed inputs in every build; docs/security.md has the fuzzing command.
 */
class GeminiWireFuzzTest {
    private static final String KEY = "AIza" + "-test-canary-FuzzKey0123456789-KEY9";
    private static final Optional<ApiKey> API_KEY = Optional.of(new ApiKey(KEY));
    private static final GeminiErrorMapper ERRORS = new GeminiErrorMapper(API_KEY, Clock.fixed(Instant.EPOCH,
            ZoneOffset.UTC));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CallContext CONTEXT = new CallContext(
            ModelEntry.of("gemini-1.5-flash", ProviderId.GEMINI, ModelTier.FAST), A2aContext.ofTrace("fuzz"));

    @FuzzTest(maxDuration = "30s")
    void anyEventStreamBecomesAReplyOrANamedFailure(byte[] upstream) {
        var assembler = new StreamAssembler(new GeminiStreamDecoder(), ERRORS);
        var reader = new EventStreamReader(new ByteArrayInputStream(upstream), 64 * 1024);
        var deltas = new StringBuilder();
        try {
            for (Optional<ServerSentEvent> event = reader.next(); event.isPresent(); event = reader.next()) {
                JsonNode root = object(event.get().data().getBytes(StandardCharsets.UTF_8));
                if (root == null) {
                    return;
                }
                if (root.path("error").isObject()) {
                    assertNoKey(ERRORS.fromStream(root.get("error")));
                    return;
                }
                for (StreamEvent added : assembler.accept(event.get())) {
                    if (added instanceof StreamEvent.Delta delta) {
                        deltas.append(delta.text());
                    }
                }
            }
            if (assembler.whole()) {
                assertEquals(deltas.toString(),
                        assembler.result().response(ProviderId.GEMINI, CONTEXT, Duration.ZERO).content());
            }
        } catch (IOException refused) {
            // A line over the cap.
        } catch (LlmFailureException failed) {
            assertNoKey(failed.failure());
        } catch (WireFormatException malformed) {
            assertNoKey(ERRORS.malformed(200, malformed.getMessage()));
        }
    }

    @FuzzTest(maxDuration = "30s")
    void anyWholeAnswerBecomesAReplyOrANamedFailure(byte[] body) {
        JsonNode root = object(body);
        if (root == null || root.path("error").isObject()) {
            return;
        }
        var decoder = new GeminiStreamDecoder();
        try {
            var assembler = new StreamAssembler(decoder, ERRORS);
            decoder.read(root, assembler);
            assembler.result().response(ProviderId.GEMINI, CONTEXT, Duration.ZERO);
        } catch (LlmFailureException failed) {
            assertNoKey(failed.failure());
        } catch (WireFormatException malformed) {
            assertNoKey(ERRORS.malformed(200, malformed.getMessage()));
        }
    }

    @FuzzTest(maxDuration = "30s")
    void anyErrorAnswerBecomesAFailureThatNeverCarriesTheKey(FuzzedDataProvider data) {
        int status = data.consumeInt(100, 599);
        Map<String, String> headers = Map.of("retry-after", data.consumeString(40), "retry-after-ms",
                data.consumeString(40), "content-type", data.consumeString(40));
        boolean echoKey = data.consumeBoolean();
        int splice = data.consumeInt();
        String text = data.consumeRemainingAsString();
        byte[] body = (echoKey ? KeyLeaks.splice(text, KEY, splice) : text).getBytes(StandardCharsets.UTF_8);
        assertNoKey(ERRORS.fromHttp(status, name -> Optional.ofNullable(headers.get(name)), body));
    }

    /** The JSON object the provider would parse, or null where it reports "malformed" instead. */
    private static JsonNode object(byte[] bytes) {
        try {
            JsonNode root = JSON.readTree(bytes);
            return root != null && root.isObject() ? root : null;
        } catch (IOException malformed) {
            return null;
        }
    }

    private static void assertNoKey(LlmFailure failure) {
        KeyLeaks.runOf(KEY, failure.message()).ifPresent(run -> {
            throw new AssertionError("the key leaked (" + run + ") into: " + failure.message());
        });
    }
}
