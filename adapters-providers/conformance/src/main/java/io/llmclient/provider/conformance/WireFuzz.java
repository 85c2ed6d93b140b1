package io.llmclient.provider.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.domain.stream.ToolCallAssembler;
import io.llmclient.domain.tools.ToolCall;
import io.llmclient.provider.support.sse.EventStreamReader;
import io.llmclient.provider.support.sse.ServerSentEvent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The fuzz checks of an OpenAI-like wire mapping, whatever the upstream (or anything posing as
 * it) sends: a stream is assembled or refused with a named failure, a completion body maps or is
 * malformed, an error answer always maps to a failure, and no failure carries the key. Each
 * provider's fuzz test names only its own types; the committed inputs stay with that test.
 */
public final class WireFuzz {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int STREAM_LIMIT = 64 * 1024;

    private final String key;
    private final Class<? extends RuntimeException> refusal;

    /**
     * @param key     the API key no failure may carry
     * @param refusal the adapter's exception for a body of the wrong shape (a named refusal)
     */
    public WireFuzz(String key, Class<? extends RuntimeException> refusal) {
        this.key = key;
        this.refusal = refusal;
    }

    /** An HTTP error answer to a failure, as an adapter's error mapper does it. */
    @FunctionalInterface
    public interface ErrorMapping {
        LlmFailure fromHttp(int status, Function<String, Optional<String>> header, byte[] body);
    }

    /**
     * Feeds {@code upstream} as an event stream to an assembler until it is done: the deltas must
     * make its content and the fragments its tool calls; a refusal is fine; a failure must not
     * carry the key.
     */
    public void eventStream(byte[] upstream, Function<ServerSentEvent, List<StreamEvent>> accept, BooleanSupplier done,
                            Supplier<String> content, Supplier<List<ToolCall>> toolCalls) {
        var reader = new EventStreamReader(new ByteArrayInputStream(upstream), STREAM_LIMIT);
        var deltas = new StringBuilder();
        var fragments = new ToolCallAssembler();
        try {
            for (Optional<ServerSentEvent> event = reader.next(); event.isPresent() && !done.getAsBoolean();
                 event = reader.next()) {
                for (StreamEvent out : accept.apply(event.get())) {
                    switch (out) {
                        case StreamEvent.Delta delta -> deltas.append(delta.text());
                        case StreamEvent.ToolCallDelta fragment -> fragments.add(fragment);
                        case StreamEvent.Completed ignored -> { }
                        case StreamEvent.Failed ignored -> { }
                    }
                }
            }
            if (done.getAsBoolean()) {
                assertEquals(deltas.toString(), content.get(), "the deltas make the content");
                assertEquals(fragments.toolCalls(), toolCalls.get(), "the fragments make the calls");
            }
        } catch (IOException refused) {
            // The reader's named refusals: the provider reports them as ProviderError.
        } catch (LlmFailureException failed) {
            assertNoKey(failed.failure());
        } catch (RuntimeException other) {
            rethrowUnlessRefusal(other);
        }
    }

    /** Maps any JSON {@code body} to its usage: counts are never negative, or the body is refused as malformed. */
    public void completionBody(byte[] body, Function<JsonNode, Usage> usage) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException notJson) {
            return;
        }
        try {
            Usage counted = usage.apply(root);
            assertTrue(counted.promptTokens() >= 0 && counted.completionTokens() >= 0);
        } catch (RuntimeException malformed) {
            // The provider reports a refusal as ProviderError "malformed response".
            rethrowUnlessRefusal(malformed);
        }
    }

    /** Any status, retry headers and body (the key spliced in or not) map to a failure without the key. */
    public void errorAnswer(FuzzedDataProvider data, ErrorMapping errors) {
        int status = data.consumeInt(100, 599);
        Map<String, String> headers = Map.of("retry-after", data.consumeString(40), "retry-after-ms",
                data.consumeString(40), "x-should-retry", data.consumeString(10), "content-type", data.consumeString(40));
        boolean echoKey = data.consumeBoolean();
        int splice = data.consumeInt();
        String text = data.consumeRemainingAsString();
        byte[] body = (echoKey ? KeyLeaks.splice(text, key, splice) : text).getBytes(StandardCharsets.UTF_8);
        assertNoKey(errors.fromHttp(status, name -> Optional.ofNullable(headers.get(name)), body));
    }

    /** Fails when {@code failure}'s message holds a run of the key. */
    public void assertNoKey(LlmFailure failure) {
        KeyLeaks.runOf(key, failure.message()).ifPresent(run -> {
            throw new AssertionError("the key leaked (" + run + ") into: " + failure.message());
        });
    }

    private void rethrowUnlessRefusal(RuntimeException thrown) {
        if (!refusal.isInstance(thrown)) {
            throw thrown;
        }
    }
}
