package io.llmclient.provider.echo;

import io.llmclient.application.provider.LlmProvider;
import io.llmclient.application.testing.ProviderSettingsFixtures;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.testing.ChatRequests;
import io.llmclient.domain.tools.ResponseFormat;
import io.llmclient.domain.tools.ToolChoice;
import io.llmclient.domain.tools.ToolDefinition;
import io.llmclient.provider.conformance.ProviderConformanceSuite;
import io.llmclient.provider.conformance.Staged;
import io.llmclient.provider.conformance.StallPoint;
import io.llmclient.provider.conformance.ToolRoundTrip;
import io.llmclient.provider.conformance.ToolStaged;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** The echo provider against the suite every provider passes; scenarios that need an upstream are skipped. */
class EchoConformanceTest extends ProviderConformanceSuite {
    private static final String NO_UPSTREAM = "the echo provider has no upstream server";

    @Override
    protected LlmProvider provider(Duration requestTimeout) {
        var settings = ProviderSettingsFixtures.builder(EchoProviderFactory.ID).apiKey("echo-demo-key")
                .connectTimeout(Duration.ofSeconds(1)).requestTimeout(requestTimeout).build();
        return new EchoProviderFactory().create(settings);
    }

    @Override
    protected ModelEntry model() {
        return new ModelEntry("echo-1", EchoProviderFactory.ID, ModelTier.FAST, "echo-2025-01");
    }

    @Override
    protected Optional<String> secret() {
        return Optional.of("echo-demo-key");
    }

    private static ChatRequest ask(OptionalInt maxTokens) {
        return ChatRequests.builder().model("echo-1").system("Repeat after me.").user("one two three")
                .maxTokens(maxTokens).context(A2A).build();
    }

    @Override
    protected Staged stageCompletion() {
        return Staged.answer(ask(OptionalInt.empty()), "one two three", new Usage(6, 3));
    }

    @Override
    protected Staged stageStream() {
        return Staged.answer(ask(OptionalInt.empty()), "one two three", new Usage(6, 3));
    }

    @Override
    protected ChatRequest stageSameAnswerForCompleteAndStream() {
        return ask(OptionalInt.empty());
    }

    @Override
    protected ChatRequest stageFinish(FinishReason reason, boolean stream) {
        return switch (reason) {
            case STOP -> ask(OptionalInt.empty());
            case LENGTH -> ask(OptionalInt.of(2));
            case CONTENT_FILTER -> notApplicable("echo filters nothing");
            case TOOL_CALLS -> notApplicable("echo calls no tools");
            case ERROR -> notApplicable("not a finish reason a provider reports");
        };
    }

    @Override
    protected ChatRequest stageBadAuth() {
        return notApplicable(NO_UPSTREAM + " to refuse a key");
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

    // Tool calling and JSON answers: echo lacks both, so the suite checks that it refuses each
    // request with InvalidParams naming the field, before anything is streamed.
    private static final ToolDefinition WEATHER = ToolDefinition.function("get_weather", "Weather in a city",
            Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string"))));

    private ToolStaged refusedTools(Optional<ToolChoice> choice, boolean stream) {
        return ToolStaged.refused(toolRequest("Weather in Paris?", List.of(WEATHER), choice, Optional.empty(), stream),
                "tools");
    }

    @Override
    protected ToolStaged stageToolChoiceAuto(boolean stream) {
        return refusedTools(Optional.of(ToolChoice.AUTO), stream);
    }

    @Override
    protected ToolStaged stageToolChoiceRequired(boolean stream) {
        return refusedTools(Optional.of(ToolChoice.REQUIRED), stream);
    }

    @Override
    protected ToolStaged stageNamedToolChoice(boolean stream) {
        return refusedTools(Optional.of(new ToolChoice.Named("get_weather")), stream);
    }

    @Override
    protected ToolStaged stageToolChoiceNone(boolean stream) {
        return refusedTools(Optional.of(ToolChoice.NONE), stream);
    }

    @Override
    protected ToolStaged stageParallelToolCalls(boolean stream) {
        return refusedTools(Optional.empty(), stream);
    }

    @Override
    protected ToolRoundTrip stageToolRoundTrip(boolean stream) {
        return notApplicable("echo calls no tools, so there is no round trip");
    }

    @Override
    protected ToolStaged stageJsonObject(boolean stream) {
        return ToolStaged.refused(toolRequest("Answer in JSON", List.of(), Optional.empty(),
                Optional.of(new ResponseFormat.JsonObject()), stream), "response_format");
    }

    @Override
    protected ToolStaged stageJsonSchema(boolean stream) {
        return ToolStaged.refused(toolRequest("Answer in JSON", List.of(), Optional.empty(),
                Optional.of(new ResponseFormat.JsonSchema("answer", Optional.empty(),
                        Map.of("type", "object"), true)), stream), "response_format");
    }

    @Override
    protected ToolStaged stageStreamedToolCallFragments() {
        return refusedTools(Optional.of(ToolChoice.REQUIRED), true);
    }
}
