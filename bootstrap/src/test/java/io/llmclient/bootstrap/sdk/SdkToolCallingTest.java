package io.llmclient.bootstrap.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import io.llmclient.bootstrap.LlmClientServer;
import io.llmclient.bootstrap.RunningServer;
import io.llmclient.bootstrap.sdk.ProviderUpstream.Call;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The official OpenAI Java SDK calling tools through the whole service ({@code /v1/chat/completions})
 * with each real provider adapter behind it, every upstream a WireMock server speaking that
 * provider's own wire format: a round trip (call, tool result, final answer) and a streamed call
 * rebuilt by the SDK's {@link ChatCompletionAccumulator}. What the SDK reports is asserted exactly,
 * and so is what each upstream received in its own shape.
 */
class SdkToolCallingTest {
    private static final List<ProviderUpstream> UPSTREAMS = List.of(new OpenAiUpstream(), new AnthropicUpstream(),
            new GeminiUpstream());

    @TempDir
    static Path dir;

    private static RunningServer server;
    private static OpenAIClient openAi;

    @BeforeAll
    static void start() {
        var env = new HashMap<>(Map.of("SERVER_PORT", "0", "LLM_AUDIT_LOG_FILE", "audit.jsonl",
                "LLM_MAX_RETRIES", "0", "LLM_RATE_LIMIT_MAX_RETRIES", "0"));
        for (ProviderUpstream upstream : UPSTREAMS) {
            upstream.start();
            env.putAll(upstream.env());
        }
        env.put("ALLOWED_MODELS", String.join(",", UPSTREAMS.stream().map(ProviderUpstream::model).toList()));
        server = LlmClientServer.start(env, dir);
        openAi = OpenAIOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + server.port() + "/v1")
                .apiKey("sk-test-not-checked")
                .maxRetries(0)
                .build();
    }

    @AfterAll
    static void stop() {
        openAi.close();
        server.stop();
        UPSTREAMS.forEach(ProviderUpstream::stop);
    }

    static List<ProviderUpstream> upstreams() {
        return UPSTREAMS;
    }

    /** The question with the provider's tool declared, and a call required. */
    private static ChatCompletionCreateParams question(ProviderUpstream upstream) {
        return ChatCompletionCreateParams.builder().model(upstream.model()).addUserMessage(upstream.question())
                .addTool(upstream.tool()).toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED).build();
    }

    /** The question again, the assistant message that called, and the tool's result; no call forced. */
    private static ChatCompletionCreateParams followUp(ProviderUpstream upstream, ChatCompletionMessage called) {
        String callId = called.toolCalls().orElseThrow().getFirst().asFunction().id();
        return question(upstream).toBuilder().toolChoice(ChatCompletionToolChoiceOption.Auto.AUTO)
                .addMessage(called)
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(callId).content(upstream.toolResult())
                        .build())
                .build();
    }

    private static List<Call> calls(ChatCompletionMessage message) {
        return message.toolCalls().orElse(List.of()).stream().map(ChatCompletionMessageToolCall::asFunction)
                .map(call -> new Call(call.id(), call.function().name(), call.function().arguments())).toList();
    }

    private static void assertMembers(Map<String, JsonNode> expected, JsonNode body) {
        expected.forEach((member, value) -> assertEquals(value, body.get(member), member + " of " + body));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("upstreams")
    void theSdkGetsTheToolCallThenTheFinalAnswerToItsResult(ProviderUpstream upstream) {
        ChatCompletion called = openAi.chat().completions().create(question(upstream));
        ChatCompletion.Choice calling = called.choices().getFirst();

        assertEquals(List.of(upstream.completedCall()), calls(calling.message()));
        assertEquals(Optional.empty(), calling.message().content(), "only a call, so content is null");
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, calling.finishReason());
        assertEquals(upstream.model(), called.model());

        ChatCompletion answered = openAi.chat().completions().create(followUp(upstream, calling.message()));
        ChatCompletion.Choice answer = answered.choices().getFirst();

        assertEquals(Optional.of(upstream.finalAnswer()), answer.message().content());
        assertEquals(Optional.empty(), answer.message().toolCalls());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, answer.finishReason());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("upstreams")
    void theUpstreamReceivesTheToolThenTheCallAndItsResultInItsOwnShape(ProviderUpstream upstream) {
        upstream.forget();

        ChatCompletion called = openAi.chat().completions().create(question(upstream));
        openAi.chat().completions().create(followUp(upstream, called.choices().getFirst().message()));

        List<JsonNode> received = upstream.received();
        assertEquals(2, received.size(), received.toString());
        assertMembers(upstream.firstTurn(), received.getFirst());
        assertMembers(upstream.followUpTurn(), received.getLast());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("upstreams")
    void theSdkAccumulatesTheStreamedToolCallFromItsFragments(ProviderUpstream upstream) {
        var accumulator = ChatCompletionAccumulator.create();
        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream = openAi.chat().completions()
                .createStreaming(question(upstream))) {
            chunks = stream.stream().peek(accumulator::accumulate).toList();
        }

        List<ChatCompletionChunk.Choice.Delta.ToolCall> fragments = chunks.stream()
                .flatMap(chunk -> chunk.choices().stream())
                .flatMap(choice -> choice.delta().toolCalls().stream().flatMap(List::stream)).toList();
        assertEquals(upstream.streamedFragments(), fragments.stream()
                .map(fragment -> fragment.function().flatMap(ChatCompletionChunk.Choice.Delta.ToolCall.Function::arguments)
                        .orElse(null)).toList());
        assertEquals(List.of(0L), fragments.stream().map(ChatCompletionChunk.Choice.Delta.ToolCall::index).distinct()
                .toList());
        ChatCompletion.Choice accumulated = accumulator.chatCompletion().choices().getFirst();
        assertEquals(List.of(upstream.streamedCall()), calls(accumulated.message()));
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, accumulated.finishReason());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("upstreams")
    void theStreamedRequestDeclaresTheToolInTheUpstreamsShape(ProviderUpstream upstream) {
        upstream.forget();

        try (StreamResponse<ChatCompletionChunk> stream = openAi.chat().completions()
                .createStreaming(question(upstream))) {
            stream.stream().forEach(chunk -> { });
        }

        List<JsonNode> received = upstream.received();
        assertEquals(1, received.size(), received.toString());
        assertMembers(upstream.firstTurn(), received.getFirst());
    }
}
