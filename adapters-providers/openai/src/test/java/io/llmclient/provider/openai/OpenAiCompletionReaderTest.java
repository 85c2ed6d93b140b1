package io.llmclient.provider.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Usage;
import io.llmclient.provider.conformance.ProviderFixtures;
import io.llmclient.provider.support.skeleton.Completion;
import io.llmclient.provider.support.skeleton.WireFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The streaming read of a whole answer gives exactly what the tree gives (the same completion, or
 * the same refusal), or leaves the body to the tree (null) when that must decide.
 */
class OpenAiCompletionReaderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final OpenAiCompletionReader reader = new OpenAiCompletionReader(JSON);

    /** What the tree says: the completion, or the refusal's message; "not JSON" when it cannot parse. */
    private static String byTree(byte[] body) {
        return outcome(() -> {
            try {
                return OpenAiResponseMapper.completion(JSON.readTree(body));
            } catch (IOException malformed) {
                throw new WireFormatException("not JSON");
            }
        });
    }

    private static String outcome(Supplier<Completion> reading) {
        try {
            return String.valueOf(reading.get());
        } catch (WireFormatException refused) {
            return "refused: " + refused.getMessage();
        }
    }

    /** True when the streaming read took the body; then its outcome is the tree's. */
    private boolean sameAsTheTree(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String streamed = outcome(() -> reader.read(bytes));
        // Null leaves the body to the tree, whatever it says.
        if (streamed.equals("null")) {
            return false;
        }
        assertEquals(byTree(bytes), streamed, body);
        return true;
    }

    @Test
    void theRecordedAnswerReadsWithoutATreeToWhatItSays() {
        Completion completion = reader.read(ProviderFixtures.of(ProviderId.OPENAI).bytes("chat-response.json"));
        assertEquals(new Completion("chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT", "gpt-5.4",
                "Hello! How can I assist you today?", FinishReason.STOP, new Usage(19, 10, 0, 0)), completion);
    }

    @Test
    void everyCommittedAnswerReadsWithoutATreeAsTheTreeReadsIt() {
        var fixtures = ProviderFixtures.of(ProviderId.OPENAI);
        List<String> bodies = List.of(fixtures.text("chat-response.json"), fixtures.text("chat-response-recorded.json"),
                ToolFixtures.toolCallCompletion(ToolFixtures.PARALLEL_CALLS, "tool_calls"),
                ToolFixtures.toolCallCompletion(List.of(ToolFixtures.WEATHER_CALL), "stop"),
                ToolFixtures.textCompletion("a\"b\\c\n\té\u2028 😀"));
        for (String body : bodies) {
            assertTrue(sameAsTheTree(body), body);
        }
    }

    @Test
    void cachedTokensAndOddButValidFieldsReadAsTheTreeReadsThem() {
        String body = "{\"x\":{\"id\":\"no\",\"choices\":[{\"message\":{\"content\":\"no\"}}]},\"id\":\"yes\",\"model\":7,"
                + "\"choices\":[{\"message\":{\"content\":null,\"other\":[{\"content\":\"no\"}]},\"finish_reason\":\"length\"},"
                + "{\"message\":{\"content\":\"two\"}},3,[4]],"
                + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":0,\"prompt_tokens_details\":{\"cached_tokens\":8}}}";
        assertEquals(new Completion("yes", "", "", FinishReason.LENGTH, new Usage(12, 0, 8, 0)),
                reader.read(body.getBytes(StandardCharsets.UTF_8)));
        assertTrue(sameAsTheTree(body));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"choices\":[{}]}", "{\"choices\":[{\"message\":{}}],\"usage\":null}",
        "{\"choices\":[{\"finish_reason\":7,\"message\":{\"content\":5,\"tool_calls\":null}}]}",
        "{\"choices\":[{\"finish_reason\":null}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,"
            + "\"prompt_tokens_details\":null}}",
        "{\"choices\":[{}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"prompt_tokens_details\":"
            + "{\"cached_tokens\":null}}}",
        "{\"choices\":[{\"message\":{\"tool_calls\":[{\"id\":\"c\",\"function\":{\"name\":\"f\",\"arguments\":5}}]}}]}",
        "{\"choices\":[{\"message\":{\"tool_calls\":{}}}]}",
        "{\"choices\":[{}]} trailing", "{\"choices\":[{}]}{\"id\":\"b\"}",
    })
    void unusualButValidShapesReadAsTheTreeReadsThem(String body) {
        assertTrue(sameAsTheTree(body), body);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", " ", "null", "[]", "\"text\"", "42", "{", "{\"choices\":[{}]", "{\"choices\":[{},}", "{'choices':[{}]}",
        "{}", "{\"choices\":[]}", "{\"choices\":null}", "{\"choices\":{\"0\":{}}}", "{\"choices\":[1,{}]}",
        "{\"choices\":[{\"message\":\"text\"}]}", "{\"choices\":[{}],\"usage\":7}", "{\"choices\":[{}],\"usage\":{}}",
        "{\"choices\":[{}],\"usage\":{\"prompt_tokens\":-1,\"completion_tokens\":2}}",
        "{\"choices\":[{}],\"usage\":{\"prompt_tokens\":1.0,\"completion_tokens\":2}}",
        "{\"choices\":[{}],\"usage\":{\"prompt_tokens\":3000000000,\"completion_tokens\":2}}",
        "{\"choices\":[{}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"prompt_tokens_details\":5}}",
        "{\"choices\":[{}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"prompt_tokens_details\":"
            + "{\"cached_tokens\":\"8\"}}}",
        "{\"id\":\"a\",\"id\":\"b\",\"choices\":[{}]}", "{\"choices\":[{}],\"choices\":[{}]}",
        "{\"choices\":[{\"message\":{\"content\":\"a\",\"content\":\"b\"}}]}",
        "{\"choices\":[{\"finish_reason\":null,\"finish_reason\":\"stop\"}]}",
        "{\"choices\":[{}],\"usage\":{\"prompt_tokens\":1,\"prompt_tokens\":1,\"completion_tokens\":2}}",
        "{\"choices\":[{\"message\":{\"content\":\"\\q\"}}]}", "{\"choices\":[{}],\"x\":01}",
    })
    void malformedBodiesOddShapesAndRepeatedFieldsAreLeftToTheTree(String body) {
        assertNull(reader.read(body.getBytes(StandardCharsets.UTF_8)), body);
    }

    @Test
    void aMapperThatRefusesTrailingTokensOrLimitsStringsLeavesWhatItMustToTheTree() {
        byte[] answer = "{\"choices\":[{\"message\":{\"content\":\"hi\"}}]}".getBytes(StandardCharsets.UTF_8);
        var strict = new OpenAiCompletionReader(new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS));
        assertNull(strict.read(answer));
        var limited = new OpenAiCompletionReader(new ObjectMapper(JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(answer.length).build())
                .build()));
        assertNotNull(limited.read(answer));
        assertNull(limited.read(("{\"choices\":[{}],\"other\":\"" + "x".repeat(answer.length) + "\"}")
                .getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theCommittedFuzzInputsReadAsTheTreeReadsThem() throws IOException {
        Path inputs = Path.of("src/test/resources/io/llmclient/provider/openai/OpenAiWireFuzzTestInputs/"
                + "anyCompletionBodyMapsOrIsMalformed");
        try (Stream<Path> files = Files.list(inputs)) {
            for (Path file : files.toList()) {
                byte[] body = Files.readAllBytes(file);
                String streamed = outcome(() -> reader.read(body));
                if (!streamed.equals("null")) {
                    assertEquals(byTree(body), streamed, file.toString());
                }
            }
        }
    }

    @Test
    void randomAnswersAndTheirCutsAndTyposReadAsTheTreeReadsThem() {
        var random = new Random(14);
        int streamed = 0;
        for (int i = 0; i < 20_000; i++) {
            String body = answer(random);
            if (random.nextInt(4) == 0) {
                int cut = random.nextInt(body.length() + 1);
                body = random.nextBoolean() ? body.substring(0, cut)
                        : body.substring(0, cut) + "{}[],:\"\\x1".charAt(random.nextInt(10)) + body.substring(cut);
            }
            streamed += sameAsTheTree(body) ? 1 : 0;
        }
        // About one in seven is whole, usual where it counts and has no field twice: the streaming read took those.
        assertTrue(streamed > 2_000, "streamed " + streamed);
    }

    // An answer whose every field is absent, usual, odd or (now and then) given twice, in any order.
    private static String answer(Random random) {
        return object(random,
                field(random, "id", "\"c1\"", "5", "null"),
                field(random, "model", "\"m\"", "[]"),
                field(random, "object", "\"chat.completion\""),
                field(random, "choices", choices(random), choices(random), "[]", "{}", "null", "[1]"),
                field(random, "usage", usage(random), usage(random), usage(random), "null", "7"));
    }

    private static String choices(Random random) {
        String choice = object(random,
                field(random, "index", "0"),
                field(random, "message", message(random), message(random), "\"text\""),
                field(random, "finish_reason", "\"stop\"", "\"tool_calls\"", "\"length\"", "\"odd\"", "null", "7"),
                field(random, "logprobs", "null"));
        return random.nextInt(4) == 0 ? "[" + choice + "," + choice + ",3]" : "[" + choice + "]";
    }

    private static String message(Random random) {
        String call = "{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\":1}\"}}";
        return object(random,
                field(random, "role", "\"assistant\""),
                field(random, "content", "\"Hi \\u00e9 😀\"", "\"\"", "null", "5"),
                field(random, "tool_calls", "[" + call + "]", "[" + call + "," + call + "]", "null", "[]", "{}",
                        "[{\"id\":\"c\"}]"),
                field(random, "refusal", "null"));
    }

    private static String usage(Random random) {
        String[] counts = {"1", "19", "0", "-1", "1.5", "\"3\"", "3000000000", "null"};
        return object(random,
                field(random, "prompt_tokens", counts),
                field(random, "completion_tokens", counts),
                field(random, "total_tokens", "29"),
                field(random, "prompt_tokens_details", "{\"cached_tokens\":" + counts[random.nextInt(counts.length)]
                        + ",\"audio_tokens\":0}", "{\"audio_tokens\":0}", "null", "5"));
    }

    // Usually the first (usual) value; absent now and then, and now and then given twice.
    private static String field(Random random, String name, String... values) {
        int pick = random.nextInt(10);
        if (pick == 0) {
            return "";
        }
        String value = pick < 6 ? values[0] : values[random.nextInt(values.length)];
        String one = "\"" + name + "\":" + value;
        return random.nextInt(40) == 0 ? one + ",\"" + name + "\":" + values[random.nextInt(values.length)] : one;
    }

    private static String object(Random random, String... fields) {
        List<String> present = new ArrayList<>();
        for (String field : fields) {
            if (!field.isEmpty()) {
                present.add(field);
            }
        }
        if (random.nextInt(3) == 0) {
            Collections.shuffle(present, random);
        }
        return "{" + String.join(",", present) + "}";
    }
}
