package io.llmclient.provider.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.application.provider.ApiKey;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.stream.StreamEvent.ToolCallDelta;
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
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OpenAiStreamDecoderTest {
    private static final ProviderFixtures FIXTURES = ProviderFixtures.of(ProviderId.OPENAI);

    private final ObjectMapper json = new ObjectMapper();
    private final StreamAssembler assembler = new StreamAssembler(new OpenAiStreamDecoder(json),
            new OpenAiErrorMapper(Optional.of(new ApiKey("unused-secret")), Clock.systemUTC()));

    private List<StreamEvent> accept(String data) {
        return assembler.accept(new ServerSentEvent(ServerSentEvent.DEFAULT_TYPE, data, ""));
    }

    @Test
    void currentStreamsWithUsageNullAndObfuscationOnEveryChunkStillSumUp() {
        // Documented for current streams (fixture SOURCES.md, "Gaps"): "usage": null and an
        // "obfuscation" string on every non-final chunk.
        assertEquals(List.of(new StreamEvent.Delta("Hi")), accept("{\"id\":\"c1\",\"model\":\"gpt-5-mini-2025-08-07\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"x1\"}"));
        assertEquals(List.of(), accept("{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}],"
                + "\"usage\":null,\"obfuscation\":\"y2\"}"));
        accept("{\"id\":\"c1\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1,\"total_tokens\":6}}");
        accept("[DONE]");
        assertEquals(new Completion("c1", "gpt-5-mini-2025-08-07", "Hi", List.of(), FinishReason.LENGTH,
                new Usage(5, 1)), assembler.result());
    }

    @Test
    void theRecordedStreamReadsAsOneEventPerDataLineEndingInDone() throws IOException {
        var reader = new EventStreamReader(new ByteArrayInputStream(FIXTURES.bytes("chat-stream.sse")));
        List<ServerSentEvent> events = new ArrayList<>();
        for (Optional<ServerSentEvent> event = reader.next(); event.isPresent(); event = reader.next()) {
            events.add(event.get());
        }
        assertEquals(34, events.size());
        assertEquals("[DONE]", events.getLast().data());
        assertEquals(ServerSentEvent.DEFAULT_TYPE, events.getFirst().type());
    }

    // One data line read from raw bytes by the reader, as the provider's stream delivers it.
    private List<StreamEvent> acceptRaw(byte[] data) throws IOException {
        byte[] line = new byte[data.length + 8];
        System.arraycopy("data: ".getBytes(StandardCharsets.US_ASCII), 0, line, 0, 6);
        System.arraycopy(data, 0, line, 6, data.length);
        line[line.length - 2] = '\n';
        line[line.length - 1] = '\n';
        return assembler.accept(new EventStreamReader(new ByteArrayInputStream(line)).next().orElseThrow());
    }

    private static byte[] contentChunk(byte[] content) {
        byte[] before = "{\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
                .getBytes(StandardCharsets.US_ASCII);
        byte[] after = "\"},\"finish_reason\":null}]}".getBytes(StandardCharsets.US_ASCII);
        byte[] chunk = new byte[before.length + content.length + after.length];
        System.arraycopy(before, 0, chunk, 0, before.length);
        System.arraycopy(content, 0, chunk, before.length, content.length);
        System.arraycopy(after, 0, chunk, before.length + content.length, after.length);
        return chunk;
    }

    @Test
    void textReadFromTheStreamsBytesIsTheTextTheDecodedStringHolds() throws IOException {
        String text = "caf\u00e9 \u65e5\u672c \ud83d\ude00 a \"quote\" and a \\ slash";
        String json = "caf\u00e9 \u65e5\u672c \ud83d\ude00 a \\\"quote\\\" and a \\\\ slash";
        assertEquals(List.of(new StreamEvent.Delta(text)),
                acceptRaw(contentChunk(json.getBytes(StandardCharsets.UTF_8))));
        assertEquals(List.of(new StreamEvent.Delta("ascii \"only\"")),
                acceptRaw(contentChunk("ascii \\\"only\\\"".getBytes(StandardCharsets.US_ASCII))));
    }

    @Test
    void malformedUtf8IsReplacedAsTheEventStreamRulesSayNotReadAsTheParserWould() throws IOException {
        // An encoded surrogate and an overlong NUL: Java's decoder (the WHATWG rule) replaces each
        // byte; a byte parser reading them as they are would pass on a lone surrogate or a NUL.
        byte[] surrogate = {'a', (byte) 0xED, (byte) 0xA0, (byte) 0x80, 'b'};
        byte[] overlong = {'c', (byte) 0xE0, (byte) 0x80, (byte) 0x80, 'd'};
        for (byte[] malformed : List.of(surrogate, overlong)) {
            String decoded = new String(malformed, StandardCharsets.UTF_8);
            assertTrue(decoded.indexOf('\ufffd') > 0
                    && decoded.chars().noneMatch(c -> c == 0 || Character.isSurrogate((char) c)), decoded);
            assertEquals(List.of(new StreamEvent.Delta(decoded)), acceptRaw(contentChunk(malformed)));
        }
    }

    // Every event the assembler hands on for a recorded stream, in order.
    private List<StreamEvent> feed(String fixture) throws IOException {
        return feed(FIXTURES.bytes(fixture));
    }

    private List<StreamEvent> feed(byte[] transcript) throws IOException {
        var reader = new EventStreamReader(new ByteArrayInputStream(transcript));
        List<StreamEvent> out = new ArrayList<>();
        for (Optional<ServerSentEvent> event = reader.next(); event.isPresent(); event = reader.next()) {
            out.addAll(assembler.accept(event.get()));
        }
        assertTrue(assembler.done(), "the recording ends in [DONE]");
        return out;
    }

    private static String fragment(String provider, String arguments) {
        return "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[" + provider.replace("ARGS", arguments)
                + "]},\"finish_reason\":null}]}";
    }

    @Test
    void theRecordedStreamsFinalUsageChunkHasNoCacheReads() throws IOException {
        feed("chat-stream.sse");
        assertEquals(new Usage(14, 30, 0, 0), assembler.result().usage());
    }

    @Test
    void cachedTokensInTheFinalUsageChunkAreTheCacheReads() throws IOException {
        feed(withCachedTokens(FIXTURES.text("chat-stream.sse"), 8).getBytes(StandardCharsets.UTF_8));
        assertEquals(new Usage(14, 30, 8, 0), assembler.result().usage());
    }

    /** A recorded stream whose final usage chunk also says {@code cached} prompt tokens were read from the cache. */
    static String withCachedTokens(String transcript, int cached) {
        String details = "\"completion_tokens_details\"";
        assertEquals(1, transcript.split(details, -1).length - 1, "one usage chunk with completion details");
        return transcript.replace(details, "\"prompt_tokens_details\":{\"cached_tokens\":" + cached + "}," + details);
    }

    @Test
    void theRecordedToolCallStreamBecomesOneStartThenTheArgumentFragmentsAsCut() throws IOException {
        assertEquals(List.of(
                ToolCallDelta.start(0, "call_CTf1nWJLqSeRgDqaCG27xZ74", "get_weather", ""),
                ToolCallDelta.arguments(0, "{\""), ToolCallDelta.arguments(0, "city"),
                ToolCallDelta.arguments(0, "\":\""), ToolCallDelta.arguments(0, "San"),
                ToolCallDelta.arguments(0, " Francisco"), ToolCallDelta.arguments(0, "\",\""),
                ToolCallDelta.arguments(0, "state"), ToolCallDelta.arguments(0, "\":\""),
                ToolCallDelta.arguments(0, "CA"), ToolCallDelta.arguments(0, "\"}")),
                feed("chat-stream-toolcall.sse"));
    }

    @Test
    void theRecordedToolCallStreamCompletesWithTheReassembledCallAndItsUsage() throws IOException {
        feed("chat-stream-toolcall.sse");
        assertEquals(new Completion("chatcmpl-ABfwCgi41eStOcARjZq97ohCEGBPO", "gpt-4o-2024-08-06", "",
                List.of(new ToolCall("call_CTf1nWJLqSeRgDqaCG27xZ74", "get_weather",
                        "{\"city\":\"San Francisco\",\"state\":\"CA\"}")),
                FinishReason.TOOL_CALLS, new Usage(48, 19)), assembler.result());
    }

    @Test
    void theRecordedParallelStreamKeepsBothCallsInOrderWithTheirIndexes() throws IOException {
        List<StreamEvent> events = feed("chat-stream-toolcall-parallel.sse");
        List<ToolCallDelta> starts = events.stream().map(ToolCallDelta.class::cast).filter(ToolCallDelta::starts).toList();
        assertEquals(List.of(ToolCallDelta.start(0, "call_JMW1whyEaYG438VE1OIflxA2", "GetWeatherArgs", ""),
                ToolCallDelta.start(1, "call_DNYTawLBoN8fj3KN6qU9N1Ou", "get_stock_price", "")), starts);
        // The recording: call 0 is a start and 11 fragments, then call 1 a start and 9 fragments.
        var indexes = new ArrayList<Integer>(Collections.nCopies(12, 0));
        indexes.addAll(Collections.nCopies(10, 1));
        assertEquals(indexes, events.stream().map(event -> ((ToolCallDelta) event).index()).toList(), "one event per recorded fragment");
        assertEquals(List.of(
                new ToolCall("call_JMW1whyEaYG438VE1OIflxA2", "GetWeatherArgs",
                        "{\"city\": \"Edinburgh\", \"country\": \"GB\", \"units\": \"c\"}"),
                new ToolCall("call_DNYTawLBoN8fj3KN6qU9N1Ou", "get_stock_price",
                        "{\"ticker\": \"AAPL\", \"exchange\": \"NASDAQ\"}")), assembler.result().toolCalls());
        assertEquals(FinishReason.TOOL_CALLS, assembler.result().finishReason());
    }

    @Test
    void theProvidersIndexIsMappedToTheOrderInWhichCallsStarted() {
        // Not OpenAI's own behaviour (it counts from 0), but a compatible server may not.
        assertEquals(List.of(ToolCallDelta.start(0, "call_b", "second", "{")),
                accept(fragment("{\"index\":3,\"id\":\"call_b\",\"type\":\"function\",\"function\":{\"name\":\"second\","
                        + "\"arguments\":\"ARGS\"}}", "{")));
        assertEquals(List.of(ToolCallDelta.start(1, "call_a", "first", "")),
                accept(fragment("{\"index\":1,\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"first\","
                        + "\"arguments\":\"ARGS\"}}", "")));
        assertEquals(List.of(ToolCallDelta.arguments(0, "}")),
                accept(fragment("{\"index\":3,\"function\":{\"arguments\":\"ARGS\"}}", "}")));
    }

    @Test
    void aNewIdAtAnIndexAlreadyInUseStartsANewCall() {
        accept(fragment("{\"index\":0,\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"a\","
                + "\"arguments\":\"ARGS\"}}", "{}"));
        assertEquals(List.of(ToolCallDelta.start(1, "call_b", "b", "{}")),
                accept(fragment("{\"index\":0,\"id\":\"call_b\",\"type\":\"function\",\"function\":{\"name\":\"b\","
                        + "\"arguments\":\"ARGS\"}}", "{}")));
    }

    @Test
    void aRepeatedIdContinuesItsCall() {
        accept(fragment("{\"index\":0,\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"a\","
                + "\"arguments\":\"ARGS\"}}", "{"));
        assertEquals(List.of(ToolCallDelta.arguments(0, "}")),
                accept(fragment("{\"index\":0,\"id\":\"call_a\",\"function\":{\"arguments\":\"ARGS\"}}", "}")));
    }

    @Test
    void aLaterFragmentWithoutArgumentsHandsOnNothing() {
        accept(fragment("{\"index\":0,\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"a\","
                + "\"arguments\":\"ARGS\"}}", "{}"));
        assertEquals(List.of(), accept(fragment("{\"index\":0,\"function\":{\"arguments\":\"ARGS\"}}", "")));
    }

    @Test
    void aCallThatStartsWithoutIdOrNameIsMalformed() {
        assertThrows(WireFormatException.class,
                () -> accept(fragment("{\"index\":0,\"function\":{\"arguments\":\"ARGS\"}}", "{")));
    }

    @Test
    void aFragmentWithoutIndexIsMalformed() {
        assertThrows(WireFormatException.class, () -> accept(fragment(
                "{\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"a\",\"arguments\":\"ARGS\"}}", "")));
    }

    @Test
    void argumentsThatAreNotAStringAreMalformed() {
        assertThrows(WireFormatException.class, () -> accept(
                "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_a\","
                        + "\"type\":\"function\",\"function\":{\"name\":\"a\",\"arguments\":{\"city\":\"Paris\"}}}]},"
                        + "\"finish_reason\":null}]}"));
    }

    @Test
    void aForcedCallThatEndsWithStopCompletesAsToolCalls() {
        // OpenAI ends a call forced by a named or required tool_choice with finish_reason "stop".
        accept(fragment("{\"index\":0,\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"a\","
                + "\"arguments\":\"ARGS\"}}", "{}"));
        accept("{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}");
        assertEquals(FinishReason.TOOL_CALLS, assembler.result().finishReason());
    }

    @Test
    void malformedAndNonObjectEventsAreRefusedWithTheTreesMessages() {
        assertEquals("stream event 1 is not valid JSON", firstEventRefused("{\"id\":\"c\","));
        assertEquals("stream event 1 is not a JSON object", firstEventRefused("[{\"id\":\"c\"}]"));
        assertEquals("stream event 1 is not a JSON object", firstEventRefused(""));
        assertEquals("stream event 1: delta.tool_calls is not an array",
                firstEventRefused("{\"choices\":[{\"delta\":{\"tool_calls\":{}}}]}"));
    }

    private String firstEventRefused(String data) {
        var fresh = new StreamAssembler(new OpenAiStreamDecoder(json),
                new OpenAiErrorMapper(Optional.of(new ApiKey("unused-secret")), Clock.systemUTC()));
        return assertThrows(WireFormatException.class,
                () -> fresh.accept(new ServerSentEvent(ServerSentEvent.DEFAULT_TYPE, data, ""))).getMessage();
    }

    @Test
    void aFieldGivenTwiceCountsOnceWithItsLastValueAsTheTreeKeepsIt() {
        assertEquals(List.of(new StreamEvent.Delta("second")),
                accept("{\"choices\":[{\"delta\":{\"content\":\"first\",\"content\":\"second\"}}]}"));
    }

    @Test
    void escapedAndNonAsciiTextPassesOnUnescaped() {
        assertEquals(List.of(new StreamEvent.Delta("\"é\u2028😀\n")),
                accept("{\"choices\":[{\"delta\":{\"content\":\"\\\"\\u00e9\\u2028\\ud83d\\ude00\\n\"}}]}"));
    }
}
