package io.llmclient.inbound.surfaces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.RateLimitException;
import com.openai.errors.SseException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.completions.CompletionUsage;
import com.openai.models.models.Model;
import io.llmclient.inbound.support.testing.ModelScriptedProvider;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Java SDK against the running service, configured with nothing but the
 * base URL (a key is required by the SDK's builder; the service asks for none by default).
 * Retries are off so that error tests see the first answer instead of the SDK's back-off.
 */
class OpenAiSdkTest extends HttpTestSupport {
    private static OpenAIClient openAi;

    @BeforeAll
    static void connect() {
        openAi = OpenAIOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + server.port() + "/v1")
                .apiKey("not-checked")
                .maxRetries(0)
                .build();
    }

    @AfterAll
    static void disconnect() {
        openAi.close();
    }

    private static ChatCompletionCreateParams.Builder ask(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Hello");
    }

    @Test
    void theSdkListsTheAllowedModels() {
        List<String> ids = openAi.models().list().data().stream().map(Model::id).toList();

        assertEquals(TestServer.ALLOWED, ids);
    }

    @Test
    void theSdkRetrievesOneModel() {
        Model model = openAi.models().retrieve("ok-model");

        assertEquals("fake", model.ownedBy());
        assertEquals(TestServer.STARTED.getEpochSecond(), model.created());
    }

    @Test
    void theSdkGetsACompletion() {
        ChatCompletion completion = openAi.chat().completions().create(ask("ok-model").maxCompletionTokens(50).build());

        assertEquals("Hello back", completion.choices().getFirst().message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, completion.choices().getFirst().finishReason());
        assertEquals(12, completion.usage().orElseThrow().totalTokens());
        assertEquals("ok-model", completion.model());
    }

    @Test
    void theSdkStreamsWithUsage() {
        var params = ask("ok-model")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build();
        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream = openAi.chat().completions().createStreaming(params)) {
            chunks = stream.stream().toList();
        }

        String text = chunks.stream().flatMap(chunk -> chunk.choices().stream())
                .map(choice -> choice.delta().content().orElse(""))
                .reduce("", String::concat);
        assertEquals("Hello back", text);
        assertEquals(Optional.of(ChatCompletionChunk.Choice.Delta.Role.ASSISTANT),
                chunks.getFirst().choices().getFirst().delta().role());
        CompletionUsage usage = chunks.getLast().usage().orElseThrow();
        assertEquals(9, usage.promptTokens());
        assertEquals(3, usage.completionTokens());
        assertTrue(chunks.getLast().choices().isEmpty());
        assertEquals(1, chunks.stream().map(ChatCompletionChunk::id).distinct().count());
    }

    @Test
    void aFailureMidStreamReachesTheSdkAsAnError() {
        assertThrows(SseException.class, () -> {
            try (var stream = openAi.chat().completions().createStreaming(ask("midfail-model").build())) {
                stream.stream().forEach(chunk -> { });
            }
        });
    }

    @Test
    void invalidParamsAreTheSdksBadRequestNamingTheField() {
        var refused = assertThrows(BadRequestException.class,
                () -> openAi.chat().completions().create(ask("ok-model").temperature(3.0).build()));

        assertEquals(Optional.of("temperature"), refused.param());
    }

    @Test
    void aModelNotAllowedIsTheSdksPermissionDenied() {
        var refused = assertThrows(PermissionDeniedException.class,
                () -> openAi.chat().completions().create(ask("forbidden-model").build()));

        assertEquals(Optional.of("model_not_allowed"), refused.code());
        assertEquals(Optional.of("model"), refused.param());
    }

    @Test
    void anUnknownModelIsTheSdksNotFound() {
        assertThrows(NotFoundException.class, () -> openAi.models().retrieve("no-such-model"));
    }

    @Test
    void aRateLimitIsTheSdksRateLimitException() {
        var refused = assertThrows(RateLimitException.class,
                () -> openAi.chat().completions().create(ask("limited-model").build()));

        assertEquals(Optional.of("30"), refused.headers().values("Retry-After").stream().findFirst());
    }

    @Test
    void aFullQueueIsTheSdksRateLimitException() {
        var refused = assertThrows(RateLimitException.class,
                () -> openAi.chat().completions().create(ask("busy-model").build()));

        assertEquals(Optional.of("overloaded"), refused.code());
    }

    @Test
    void upstreamFailuresAreTheSdksInternalServerErrorWithTheirStatus() {
        assertEquals(List.of(502, 503, 504, 500), List.of("fail-model", "down-model", "slow-model",
                "buggy-model").stream().map(model -> assertThrows(InternalServerException.class,
                        () -> openAi.chat().completions().create(ask(model).build())))
                .map(OpenAIServiceException::statusCode).toList());
    }

    // ---- Tool calling (docs/tool-calling.md) -----------------------------------------------

    private static final ChatCompletionFunctionTool WEATHER = ChatCompletionFunctionTool.builder()
            .function(FunctionDefinition.builder().name("get_weather").description("Weather of a city")
                    .parameters(FunctionParameters.builder()
                            .putAdditionalProperty("type", JsonValue.from("object"))
                            .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                            .build())
                    .build())
            .build();

    @Test
    void theSdkMakesAToolCallingRoundTrip() {
        var first = ChatCompletionCreateParams.builder().model("tool-model").addUserMessage("Weather in Paris?")
                .addTool(WEATHER).build();
        ChatCompletion called = openAi.chat().completions().create(first);
        ChatCompletionMessage message = called.choices().getFirst().message();
        ChatCompletionMessageFunctionToolCall call = message.toolCalls().orElseThrow().getFirst().asFunction();

        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, called.choices().getFirst().finishReason());
        assertEquals("call_1", call.id());
        assertEquals("get_weather", call.function().name());
        assertEquals("{\"city\":\"Paris\"}", call.function().arguments());

        ChatCompletion answered = openAi.chat().completions().create(first.toBuilder().addMessage(message)
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("21C").build())
                .build());

        assertEquals("It is 21C in Paris", answered.choices().getFirst().message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, answered.choices().getFirst().finishReason());
        assertEquals(io.llmclient.domain.chat.Message.toolResult("call_1", "21C"),
                server.fake.lastRequest.get().messages().getLast());
    }

    @Test
    void theSdkCarriesAThoughtSignatureBackInTheAssistantMessageItWasGiven() {
        var first = ChatCompletionCreateParams.builder().model("signed-tool-model").addUserMessage("Weather in Paris?")
                .addTool(WEATHER).build();
        ChatCompletionMessage message = openAi.chat().completions().create(first).choices().getFirst().message();
        ChatCompletionMessageFunctionToolCall call = message.toolCalls().orElseThrow().getFirst().asFunction();

        openAi.chat().completions().create(first.toBuilder().addMessage(message)
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("21C").build())
                .build());

        assertEquals(java.util.Optional.of(ModelScriptedProvider.SIGNATURE),
                server.fake.lastRequest.get().messages().get(1).toolCalls().getFirst().thoughtSignature(),
                "the SDK keeps extra_content as an additional property and sends it back");
    }

    @Test
    void theSdkAccumulatesAStreamedToolCall() {
        var params = ChatCompletionCreateParams.builder().model("tool-model").addUserMessage("Weather in Paris?")
                .addTool(WEATHER).toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED).build();
        var accumulator = ChatCompletionAccumulator.create();
        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream = openAi.chat().completions().createStreaming(params)) {
            chunks = stream.stream().peek(accumulator::accumulate).toList();
        }

        List<Long> indexes = chunks.stream().flatMap(chunk -> chunk.choices().stream())
                .flatMap(choice -> choice.delta().toolCalls().stream().flatMap(List::stream))
                .map(ChatCompletionChunk.Choice.Delta.ToolCall::index).toList();
        assertEquals(List.of(0L, 0L, 0L), indexes, "every fragment carries its call's index");
        ChatCompletion completion = accumulator.chatCompletion();
        ChatCompletionMessageFunctionToolCall call = completion.choices().getFirst().message().toolCalls()
                .orElseThrow().getFirst().asFunction();
        assertEquals("call_1", call.id());
        assertEquals("get_weather", call.function().name());
        assertEquals("{\"city\":\"Paris\"}", call.function().arguments());
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, completion.choices().getFirst().finishReason());
    }
}
