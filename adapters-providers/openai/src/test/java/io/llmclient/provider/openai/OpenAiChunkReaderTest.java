package io.llmclient.provider.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.provider.conformance.ProviderFixtures;
import io.llmclient.provider.support.sse.EventStreamReader;
import io.llmclient.provider.support.sse.ServerSentEvent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The streaming read of a chunk gives exactly what the tree gives, or leaves the chunk to the tree
 * (null) when that must decide: malformed, not an object, a used field twice.
 */
class OpenAiChunkReaderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final OpenAiChunkReader reader = new OpenAiChunkReader(JSON);

    /** What the tree says: the record from a parsed object, or null when the tree refuses or sees no object. */
    private static OpenAiChunk byTree(String data) {
        try {
            JsonNode root = JSON.readTree(utf8(data));
            return root != null && root.isObject() ? OpenAiChunk.of(root) : null;
        } catch (IOException malformed) {
            return null;
        }
    }

    // The reader takes a chunk's UTF-8 bytes; the tree reads the very same bytes.
    private static byte[] utf8(String data) {
        return data.getBytes(StandardCharsets.UTF_8);
    }

    private OpenAiChunk read(String data, boolean ids) {
        return reader.read(utf8(data), ids);
    }

    private void sameAsTheTree(String data) {
        OpenAiChunk streamed = read(data, true);
        // Null leaves the chunk to the tree, whatever it says.
        if (streamed != null) {
            assertEquals(byTree(data), streamed, data);
        }
    }

    @Test
    void everyEventOfTheRecordedStreamsReadsWithoutATreeAndAsTheTreeReadsIt() throws IOException {
        var fixtures = ProviderFixtures.of(ProviderId.OPENAI);
        for (String name : List.of("chat-stream.sse", "chat-stream-toolcall.sse", "chat-stream-toolcall-parallel.sse")) {
            for (ServerSentEvent event : events(new ByteArrayInputStream(fixtures.bytes(name)))) {
                if (!event.data().equals(OpenAiStreamDecoder.DONE)) {
                    OpenAiChunk streamed = read(event.data(), true);
                    assertNotNull(streamed, event.data());
                    assertEquals(byTree(event.data()), streamed, event.data());
                }
            }
        }
    }

    @Test
    void aTextChunkKeepsItsFieldsAndSkipsTheRest() {
        assertEquals(new OpenAiChunk(null, "c1", "gpt", null, true, null, "Hi", null),
                read("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt\","
                        + "\"system_fingerprint\":null,\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
                        + "\"content\":\"Hi\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}],"
                        + "\"usage\":null,\"obfuscation\":\"x1\"}", true));
    }

    @Test
    void escapedAndNonAsciiTextIsUnescapedAsTheTreeDoes() {
        String data = "{\"choices\":[{\"delta\":{\"content\":\"a\\\"b\\\\c\\n\\t\\u00e9\\u2028 \\ud83d\\ude00 é 😀 \\u0000\"}}]}";
        assertEquals("a\"b\\c\n\té\u2028 \uD83D\uDE00 é 😀 \u0000", read(data, true).content());
        sameAsTheTree(data);
        // A lone surrogate half, as Jackson passes it on.
        sameAsTheTree("{\"choices\":[{\"delta\":{\"content\":\"\\ud83d\"}}]}");
    }

    @Test
    void unknownFieldsOfAnyShapeAreSkippedEvenWhenTheyHoldTheUsedNames() {
        String data = "{\"x\":{\"id\":\"no\",\"choices\":[{\"delta\":{\"content\":\"no\"}}]},\"y\":[[1,{\"error\":{}}],\"z\"],"
                + "\"id\":\"yes\",\"choices\":[{\"extra\":{\"delta\":{}},\"delta\":{\"other\":[{\"content\":\"no\"}],"
                + "\"content\":\"yes\"}}],\"n\":-1.5e3,\"t\":true}";
        OpenAiChunk chunk = read(data, true);
        assertEquals(new OpenAiChunk(null, "yes", null, null, true, null, "yes", null), chunk);
        sameAsTheTree(data);
    }

    @Test
    void onlyTheFirstChoiceCounts() {
        String data = "{\"choices\":[{\"delta\":{\"content\":\"one\"}},{\"delta\":{\"content\":\"two\"}},3,[4]]}";
        assertEquals("one", read(data, true).content());
        sameAsTheTree(data);
    }

    @Test
    void toolCallFragmentsErrorsUsageAndOddFinishReasonsStayTrees() {
        String fragments = "[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\":\"}}]";
        OpenAiChunk chunk = read("{\"choices\":[{\"delta\":{\"tool_calls\":" + fragments + "},\"finish_reason\":7}],"
                + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1},\"error\":{\"message\":\"m\"}}", true);
        assertEquals(ProviderFixtures.parse(fragments), chunk.toolCalls());
        assertEquals(IntNode.valueOf(7), chunk.finishReason());
        assertEquals(ProviderFixtures.parse("{\"prompt_tokens\":5,\"completion_tokens\":1}"), chunk.usage());
        assertEquals(ProviderFixtures.parse("{\"message\":\"m\"}"), chunk.error());
        assertEquals(TextNode.valueOf("stop"), read("{\"choices\":[{\"finish_reason\":\"stop\"}]}", true).finishReason());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"error\":\"text\"}", "{\"error\":null,\"id\":3,\"model\":[\"m\"]}", "{\"choices\":{\"0\":{}}}",
        "{\"choices\":[1,{\"delta\":{\"content\":\"x\"}}]}", "{\"choices\":[]}", "{\"choices\":null}",
        "{\"choices\":[{\"delta\":[\"content\"]}]}", "{\"choices\":[{\"delta\":{\"content\":5}}]}",
        "{\"choices\":[{\"delta\":{\"content\":null,\"tool_calls\":null}}]}", "{\"choices\":[{\"delta\":{\"tool_calls\":{}}}]}",
        "{\"choices\":[{\"finish_reason\":null}]}", "{\"usage\":null}", "{\"usage\":7}", "{}",
        "{\"id\":\"a\"} trailing", "{\"id\":\"a\"}{\"id\":\"b\"}",
    })
    void unusualButValidShapesReadAsTheTreeReadsThem(String data) {
        assertNotNull(read(data, true), data);
        sameAsTheTree(data);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", " ", "null", "[]", "[{\"id\":\"a\"}]", "\"text\"", "42", "{", "{\"id\":", "{\"id\":\"a\"", "{\"id\":\"a\",}",
        "{\"choices\":[{\"delta\":{\"content\":\"x\"}}", "{\"choices\":[{\"delta\":{\"content\":\"\\q\"}}]}",
        "{\"x\":[1,2,}", "{\"x\":\"unterminated}", "{\"x\":01}", "{'id':'a'}", "{\"id\":\"a\"\u0001}",
        "{\"id\":\"a\",\"id\":\"b\"}", "{\"choices\":[],\"choices\":[]}", "{\"error\":1,\"error\":{}}",
        "{\"choices\":[{\"delta\":{\"content\":\"a\",\"content\":\"b\"}}]}",
        "{\"choices\":[{\"finish_reason\":null,\"finish_reason\":\"stop\"}]}",
    })
    void malformedDataNonObjectsAndRepeatedFieldsAreLeftToTheTree(String data) {
        assertNull(read(data, true), data);
    }

    @Test
    void aMapperThatRefusesTrailingTokensLeavesEveryChunkToTheTree() {
        var strict = new OpenAiChunkReader(new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS));
        assertNull(strict.read(utf8("{\"id\":\"a\"}"), true));
    }

    @Test
    void withoutIdsTheIdAndModelAreSkippedAndTheRestIsRead() {
        String data = "{\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}";
        assertEquals(new OpenAiChunk(null, null, null, null, true, null, "Hi", null), read(data, false));
        assertNull(read("{\"id\":\"c1\",\"id\":\"c2\"}", false));
        assertNull(read("{\"id\":\"\\q\"}", false), "a skipped string is still checked");
    }

    @Test
    void dataThatMayHoldAStringOverTheParsersLimitIsLeftToTheTree() {
        var limited = new ObjectMapper(JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(20).build())
                .build());
        var limitedReader = new OpenAiChunkReader(limited);
        assertNotNull(limitedReader.read(utf8("{\"other\":\"short\"}"), true));
        assertNull(limitedReader.read(utf8("{\"other\":\"" + "x".repeat(30) + "\"}"), true));
    }

    @Test
    void theCommittedFuzzInputsReadAsTheTreeReadsThem() throws IOException {
        Path inputs = Path.of("src/test/resources/io/llmclient/provider/openai/OpenAiWireFuzzTestInputs/"
                + "anyEventStreamIsAssembledOrRefusedByName");
        try (Stream<Path> files = Files.list(inputs)) {
            for (Path file : files.toList()) {
                for (ServerSentEvent event : events(Files.newInputStream(file))) {
                    sameAsTheTree(event.data());
                }
            }
        }
    }

    @Test
    void randomChunksAndTheirCutsAndTyposReadAsTheTreeReadsThem() {
        var random = new Random(41);
        String[] values = {"\"s\"", "\"\\u00e9\\\"\"", "\"😀\"", "null", "1", "-2.5e1", "true", "[]", "{}", "[1,\"a\",{}]",
            "{\"content\":\"x\"}", "{\"index\":0,\"id\":\"c\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}"};
        String[] names = {"id", "model", "usage", "error", "choices", "delta", "content", "tool_calls", "finish_reason",
            "index", "other"};
        int streamed = 0;
        for (int i = 0; i < 20_000; i++) {
            String data = object(random, names, values, 0);
            if (random.nextInt(4) == 0) {
                int cut = random.nextInt(data.length() + 1);
                data = random.nextBoolean() ? data.substring(0, cut)
                        : data.substring(0, cut) + "{}[],:\"\\x1".charAt(random.nextInt(10)) + data.substring(cut);
            }
            sameAsTheTree(data);
            streamed += read(data, true) != null ? 1 : 0;
        }
        // Most random chunks are valid objects without repeated fields: the streaming read took them.
        assertTrue(streamed > 10_000, "streamed " + streamed);
    }

    private static String object(Random random, String[] names, String[] values, int depth) {
        var out = new StringBuilder("{");
        int fields = random.nextInt(5);
        for (int f = 0; f < fields; f++) {
            if (f > 0) {
                out.append(',');
            }
            String name = names[random.nextInt(names.length)];
            out.append('"').append(name).append("\":");
            int kind = random.nextInt(6);
            if (depth < 3 && (kind == 0 || name.equals("choices") && kind < 4)) {
                out.append('[');
                int items = random.nextInt(3);
                for (int e = 0; e < items; e++) {
                    out.append(e > 0 ? "," : "").append(random.nextInt(4) == 0 ? values[random.nextInt(values.length)]
                            : object(random, names, values, depth + 1));
                }
                out.append(']');
            } else if (depth < 3 && kind < 3) {
                out.append(object(random, names, values, depth + 1));
            } else {
                out.append(values[random.nextInt(values.length)]);
            }
        }
        return out.append('}').toString();
    }

    private static List<ServerSentEvent> events(InputStream in) throws IOException {
        var reader = new EventStreamReader(in);
        List<ServerSentEvent> events = new ArrayList<>();
        for (Optional<ServerSentEvent> event = reader.next(); event.isPresent(); event = reader.next()) {
            events.add(event.get());
        }
        return events;
    }
}
