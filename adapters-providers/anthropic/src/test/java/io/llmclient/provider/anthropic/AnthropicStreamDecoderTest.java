package io.llmclient.provider.anthropic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.domain.tools.ToolCall;
import io.llmclient.provider.conformance.ProviderFixtures;
import io.llmclient.provider.support.skeleton.Completion;
import io.llmclient.provider.support.skeleton.StreamAssembler;
import io.llmclient.provider.support.skeleton.WireFormatException;
import io.llmclient.provider.support.sse.EventStreamReader;
import io.llmclient.provider.support.sse.ServerSentEvent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class AnthropicStreamDecoderTest {
    private static final ProviderFixtures FIXTURES = ProviderFixtures.of(ProviderId.ANTHROPIC);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final StreamAssembler assembler = new StreamAssembler(new AnthropicStreamDecoder(JSON),
            new AnthropicErrorMapper(Optional.empty(), Clock.systemUTC()));

    /** Feeds a whole transcript; returns the text deltas in order. */
    private List<String> feed(String transcript) throws IOException {
        return events(transcript).stream().filter(StreamEvent.Delta.class::isInstance)
                .map(event -> ((StreamEvent.Delta) event).text()).toList();
    }

    /** Feeds a whole transcript; returns every event it yields, in order. */
    private List<StreamEvent> events(String transcript) throws IOException {
        var reader = new EventStreamReader(new ByteArrayInputStream(transcript.getBytes(StandardCharsets.UTF_8)));
        List<StreamEvent> events = new ArrayList<>();
        for (Optional<ServerSentEvent> event = reader.next(); event.isPresent(); event = reader.next()) {
            events.addAll(assembler.accept(event.get()));
        }
        return events;
    }

    @Test
    void theRecordedStreamYieldsEachTextDeltaAndTheFinalAnswer() throws IOException {
        List<String> deltas = feed(FIXTURES.text("messages-stream.sse"));
        assertEquals(List.of("The weather in San Francisco, CA is", " currently", ":", "\n- **Temperature:**",
                " 68°F\n- **", "Condition:** Sunny\n\nIt", "'s", " a nice", " sunny day!"), deltas);
        assertTrue(assembler.done());
        assertEquals(new Completion("msg_016HxyUMAncysqX7dn1kWNRx", "claude-haiku-4-5-20251001", String.join("", deltas),
                FinishReason.STOP, new Usage(770, 38, 0, 0)), assembler.result());
    }

    @Test
    void theRecordedStreamsCacheCountsAreItsCacheReadsAndWrites() throws IOException {
        feed(withCache(FIXTURES.text("messages-stream.sse")));
        assertEquals(new Usage(770 + 1200 + 30000, 38, 30000, 1200), assembler.result().usage());
    }

    @Test
    void cacheCountsOnlyInMessageStartAreKept() throws IOException {
        // The documented stream's message_delta carries output_tokens alone, as older API versions do.
        feed(replaced(FIXTURES.text("messages-stream-docs.sse"), "\"input_tokens\": 25,",
                "\"input_tokens\": 25, \"cache_creation_input_tokens\": 100, \"cache_read_input_tokens\": 2000,"));
        assertEquals(new Usage(25 + 100 + 2000, 15, 2000, 100), assembler.result().usage());
    }

    @Test
    void inputAndCacheCountsInMessageDeltaWinButANullOneKeepsMessageStarts() throws IOException {
        String transcript = replaced(FIXTURES.text("messages-stream.sse"),
                "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"cache_creation\"",
                "\"cache_creation_input_tokens\":1200,\"cache_read_input_tokens\":0,\"cache_creation\"");
        transcript = replaced(transcript,
                "\"usage\":{\"input_tokens\":770,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,",
                "\"usage\":{\"input_tokens\":70,\"cache_creation_input_tokens\":null,\"cache_read_input_tokens\":700,");
        feed(transcript);
        assertEquals(new Usage(70 + 1200 + 700, 38, 700, 1200), assembler.result().usage());
    }

    /** {@code text} with its one occurrence of {@code from} replaced: a fixture edit that cannot silently miss. */
    static String replaced(String text, String from, String to) {
        assertEquals(1, text.split(Pattern.quote(from), -1).length - 1, () -> "one " + from);
        return text.replace(from, to);
    }

    /**
     * A recorded stream as if 1200 input tokens were written to the prompt cache and 30000 read from
     * it; message_start and message_delta both say so, as the current API does.
     */
    static String withCache(String transcript) {
        String none = "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0";
        assertEquals(2, transcript.split(none, -1).length - 1, "in message_start and message_delta");
        return transcript.replace(none, "\"cache_creation_input_tokens\":1200,\"cache_read_input_tokens\":30000");
    }

    @Test
    void theGaEndpointStreamYieldsItsJsonTextAndUsage() throws IOException {
        List<String> deltas = feed(FIXTURES.text("messages-stream-ga.sse"));
        assertEquals(List.of("[", "12", "345,", "67890]"), deltas);
        assertEquals(new Completion("msg_013nnniYDrJDocdy5nrMU7cH", "claude-sonnet-4-5-20250929", "[12345,67890]",
                FinishReason.STOP, new Usage(135, 10)), assembler.result());
    }

    @Test
    void theDocumentedStreamTakesInputFromMessageStartAndOutputFromMessageDelta() throws IOException {
        List<String> deltas = feed(FIXTURES.text("messages-stream-docs.sse"));
        assertEquals(List.of("Hello", "!"), deltas);
        assertEquals(new Completion("msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY", "claude-sonnet-4-5-20250929", "Hello!",
                FinishReason.STOP, new Usage(25, 15)), assembler.result());
    }

    @Test
    void theRecordedToolUseStreamYieldsTheCallStartThenEachArgumentsFragmentAsCut() throws IOException {
        List<StreamEvent> events = events(FIXTURES.text("messages-stream-tooluse.sse"));
        assertEquals(ToolFixtures.recordedCallEvents(0), events);
        assertEquals(new Completion("msg_01AusY9WEbCaj3N7Tv5J4YjH", "claude-haiku-4-5-20251001", "",
                List.of(ToolFixtures.CALL), FinishReason.TOOL_CALLS, new Usage(656, 74)), assembler.result());
    }

    @Test
    void theRecordedToolCallsArgumentsAreTheModelsJsonTextExactly() throws IOException {
        events(FIXTURES.text("messages-stream-tooluse.sse"));
        assertEquals("{\"location\": \"San Francisco, CA\", \"units\": \"f\"}",
                assembler.result().toolCalls().getFirst().arguments());
    }

    @Test
    void parallelToolUseBlocksAfterATextBlockAreIndexedByCallOrderNotByBlock() throws IOException {
        List<StreamEvent> events = events(ComposedStreams.textThenTwoCalls());
        assertEquals(List.of(
                new StreamEvent.Delta("Checking both."),
                StreamEvent.ToolCallDelta.start(0, "toolu_A", "get_weather", ""),
                StreamEvent.ToolCallDelta.arguments(0, "{\"location\": "),
                StreamEvent.ToolCallDelta.arguments(0, "\"Paris\"}"),
                StreamEvent.ToolCallDelta.start(1, "toolu_B", "get_time", ""),
                StreamEvent.ToolCallDelta.arguments(1, "{\"zone\": \"PST\"}")), events);
        assertEquals(List.of(new ToolCall("toolu_A", "get_weather", "{\"location\": \"Paris\"}"),
                new ToolCall("toolu_B", "get_time", "{\"zone\": \"PST\"}")), assembler.result().toolCalls());
        assertEquals("Checking both.", assembler.result().content());
    }

    @Test
    void aCallWhoseBlockStopsWithoutArgumentsGetsAnEmptyObject() throws IOException {
        String transcript = """
                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_1","name":"now","input":{}}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":""}}

                event: content_block_stop
                data: {"type":"content_block_stop","index":0}

                """;
        assertEquals(List.of(StreamEvent.ToolCallDelta.start(0, "toolu_1", "now", ""),
                StreamEvent.ToolCallDelta.arguments(0, "{}")), events(transcript));
    }

    @Test
    void theInputOfAServerToolIsNotAToolCall() throws IOException {
        String transcript = """
                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{}}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\\"query\\": \\"x\\"}"}}

                event: content_block_stop
                data: {"type":"content_block_stop","index":0}

                """;
        assertEquals(List.of(), events(transcript));
    }

    @Test
    void aToolUseStartWithoutAnIdIsAWireFormatError() {
        String transcript = """
                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","name":"now","input":{}}}

                """;
        assertThrows(WireFormatException.class, () -> events(transcript));
    }

    @Test
    void anOverloadedErrorEventEndsTheStreamWithATransientProviderError() {
        LlmFailureException thrown = assertThrows(LlmFailureException.class,
                () -> feed(FIXTURES.text("messages-stream-error.sse")));
        assertEquals(new LlmFailure.ProviderFailed(ProviderId.ANTHROPIC, OptionalInt.empty(),
                "overloaded_error: Overloaded", true), thrown.failure());
    }

    @Test
    void unknownEventTypesAreIgnored() throws IOException {
        String transcript = FIXTURES.text("messages-stream-docs.sse").replace("event: ping\n",
                "event: thinking_about_it\ndata: {\"type\":\"thinking_about_it\",\"whatever\":[1,2]}\n\nevent: ping\n");
        assertEquals(List.of("Hello", "!"), feed(transcript));
        assertEquals("Hello!", assembler.result().content());
    }

    @Test
    void unknownDeltaTypesAreNotText() throws IOException {
        String transcript = """
                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"hmm"}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Hi"}}

                """;
        assertEquals(List.of("Hi"), feed(transcript));
    }

    @Test
    void truncatedJsonInAKnownEventIsAWireFormatError() {
        String transcript = "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"delta\":{\"type\":\"te\n\n";
        assertThrows(WireFormatException.class, () -> feed(transcript));
    }

    @Test
    void aStreamWithoutMessageStopIsNotDone() throws IOException {
        String transcript = FIXTURES.text("messages-stream-docs.sse");
        feed(transcript.substring(0, transcript.indexOf("event: message_stop")));
        assertFalse(assembler.done());
    }

    @Test
    void aRateLimitErrorEventIsRateLimitedWithoutAWait() {
        String transcript = "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\","
                + "\"message\":\"Please retry after 30 seconds\"}}\n\n";
        LlmFailureException thrown = assertThrows(LlmFailureException.class, () -> feed(transcript));
        assertEquals(new LlmFailure.RateLimited(ProviderId.ANTHROPIC, Optional.empty()), thrown.failure());
    }

    @Test
    void anInvalidRequestErrorEventIsNotTransient() {
        String transcript = "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
                + "\"message\":\"bad\"}}\n\n";
        LlmFailureException thrown = assertThrows(LlmFailureException.class, () -> feed(transcript));
        assertEquals(new LlmFailure.ProviderFailed(ProviderId.ANTHROPIC, OptionalInt.empty(),
                "invalid_request_error: bad", false), thrown.failure());
    }
}
