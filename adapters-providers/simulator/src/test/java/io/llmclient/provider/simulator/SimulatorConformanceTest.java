package io.llmclient.provider.simulator;

import io.llmclient.application.provider.LlmProvider;
import io.llmclient.application.testing.ProviderSettingsFixtures;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.testing.ChatRequests;
import io.llmclient.provider.conformance.ProviderConformanceSuite;
import io.llmclient.provider.conformance.Staged;
import io.llmclient.provider.conformance.StallPoint;
import io.llmclient.provider.conformance.ToolRoundTrip;
import io.llmclient.provider.conformance.ToolStaged;
import io.llmclient.domain.tools.ResponseFormat;
import io.llmclient.domain.tools.ToolChoice;
import io.llmclient.domain.tools.ToolDefinition;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The simulator against the shared provider suite. It has no upstream: nothing to stage, and
 * the scenarios about HTTP statuses, keys, rate limits and stalls are reported skipped.
 */
class SimulatorConformanceTest extends ProviderConformanceSuite {
    private static final String NO_UPSTREAM = "the simulator has no upstream server";

    @Override
    protected LlmProvider provider(Duration requestTimeout) {
        var settings = ProviderSettingsFixtures.builder(ProviderId.SIMULATOR).connectTimeout(Duration.ofSeconds(1))
                .requestTimeout(requestTimeout).build();
        return new SimulatorProviderFactory().create(settings);
    }

    @Override
    protected ModelEntry model() {
        return ModelEntry.of("sim-balanced", ProviderId.SIMULATOR, ModelTier.BALANCED);
    }

    @Override
    protected Optional<String> secret() {
        return Optional.empty();
    }

    private static ChatRequest ask(OptionalInt maxTokens) {
        return ChatRequests.builder().model("sim-balanced").system("Be brief.").user("Tell me about gateways")
                .temperature(0.2).maxTokens(maxTokens).context(A2A).build();
    }

    @Override
    protected Staged stageCompletion() {
        return Staged.request(ask(OptionalInt.empty()));
    }

    @Override
    protected Staged stageStream() {
        return Staged.request(ask(OptionalInt.empty()));
    }

    @Override
    protected ChatRequest stageSameAnswerForCompleteAndStream() {
        return ask(OptionalInt.empty());
    }

    @Override
    protected ChatRequest stageFinish(FinishReason reason, boolean stream) {
        return switch (reason) {
            case STOP -> ask(OptionalInt.empty());
            case LENGTH -> ask(OptionalInt.of(3));
            case CONTENT_FILTER -> notApplicable("the simulator filters no content");
            case TOOL_CALLS -> toolRequest("Anything", TOOLS, Optional.of(ToolChoice.REQUIRED), Optional.empty(),
                    stream);
            case ERROR -> notApplicable("not a finish reason a provider reports");
        };
    }

    @Override
    protected ChatRequest stageBadAuth() {
        return notApplicable("the simulator takes no key");
    }

    @Override
    protected ChatRequest stageRateLimit(Duration retryAfter) {
        return notApplicable(NO_UPSTREAM + " to rate limit it");
    }

    @Override
    protected ChatRequest stageServerError(int status) {
        return notApplicable(NO_UPSTREAM + " (no HTTP status)");
    }

    @Override
    protected ChatRequest stageFailureAfterFirstChunk() {
        return notApplicable(NO_UPSTREAM + " to fail mid-stream");
    }

    @Override
    protected ChatRequest stageStall(StallPoint where) {
        return notApplicable(NO_UPSTREAM + " to stall");
    }

    // ---- Tool calling: the simulator's rules (SimulatedTools) --------------------------------

    static final List<ToolDefinition> TOOLS = List.of(
            ToolDefinition.function("get_weather", "The weather of a city", Map.of("type", "object",
                    "properties", Map.of("city", Map.of("type", "string")), "required", List.of("city"))),
            ToolDefinition.function("get_time", "The time in a time zone", Map.of("type", "object",
                    "properties", Map.of("timezone", Map.of("type", "string")), "required", List.of("timezone"))));

    private ToolStaged ask(String prompt, Optional<ToolChoice> choice, boolean stream) {
        return ToolStaged.answer(toolRequest(prompt, TOOLS, choice, Optional.empty(), stream));
    }

    @Override
    protected ToolStaged stageToolChoiceAuto(boolean stream) {
        return ask("Use get_weather for the weather in Paris", Optional.of(ToolChoice.AUTO), stream);
    }

    @Override
    protected ToolStaged stageToolChoiceRequired(boolean stream) {
        return ask("Anything new?", Optional.of(ToolChoice.REQUIRED), stream);
    }

    @Override
    protected ToolStaged stageNamedToolChoice(boolean stream) {
        return ask("Use get_weather for Paris", Optional.of(new ToolChoice.Named("get_time")), stream);
    }

    @Override
    protected ToolStaged stageToolChoiceNone(boolean stream) {
        return ask("Use get_weather for Paris", Optional.of(ToolChoice.NONE), stream);
    }

    @Override
    protected ToolStaged stageParallelToolCalls(boolean stream) {
        return ask("Use get_weather and get_time for Paris", Optional.empty(), stream);
    }

    @Override
    protected ToolRoundTrip stageToolRoundTrip(boolean stream) {
        return ToolRoundTrip.of(toolRequest("Use get_weather for Paris", TOOLS, Optional.empty(), Optional.empty(),
                stream), call -> "{\"temperature\":21}");
    }

    @Override
    protected ToolStaged stageJsonObject(boolean stream) {
        return ToolStaged.answer(toolRequest("Describe Paris as JSON", List.of(), Optional.empty(),
                Optional.of(ResponseFormat.JSON_OBJECT), stream));
    }

    @Override
    protected ToolStaged stageJsonSchema(boolean stream) {
        var schema = Map.<String, Object>of("type", "object", "properties", Map.of(
                "city", Map.of("type", "string"),
                "temperature", Map.of("type", "integer"),
                "sunny", Map.of("type", "boolean"),
                "tags", Map.of("type", "array", "items", Map.of("type", "string"))),
                "required", List.of("city", "temperature", "sunny", "tags"));
        return ToolStaged.answer(toolRequest("Weather in Paris", List.of(), Optional.empty(),
                Optional.of(new ResponseFormat.JsonSchema("weather", Optional.empty(), schema, true)), stream));
    }

    @Override
    protected ToolStaged stageStreamedToolCallFragments() {
        return ask("Use get_weather for Paris", Optional.of(ToolChoice.REQUIRED), true);
    }
}
