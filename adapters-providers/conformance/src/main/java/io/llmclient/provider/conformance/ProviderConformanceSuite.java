package io.llmclient.provider.conformance;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.llmclient.application.provider.CallContext;
import io.llmclient.application.provider.LlmProvider;
import io.llmclient.application.provider.ResponseBudget;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.domain.stream.ToolCallAssembler;
import io.llmclient.domain.testing.ChatRequests;
import io.llmclient.domain.tools.ResponseFormat;
import io.llmclient.domain.tools.ToolCall;
import io.llmclient.domain.tools.ToolChoice;
import io.llmclient.domain.tools.ToolDefinition;
import java.io.Serial;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every provider adapter must show, whatever its wire protocol: a provider
 * module's test extends this class and says how to stage each scenario on its stand-in server
 * (usually WireMock, programmed with that provider's own recorded fixtures).
 *
 * <p>A scenario that cannot apply to a provider (the simulator has no HTTP, so no 401 and no
 * 5xx) is declared so by calling {@link #notApplicable(String)} from its staging method: JUnit
 * then reports the test as skipped with the reason, never as passed.
 *
 * <p>The tool scenarios (docs/tool-calling.md) also hold the capability rule: a provider that
 * cannot serve one stages it as {@link ToolStaged#refused} and must then refuse it with
 * InvalidParams naming the field, never drop it silently.
 *
 * <p>Every call runs under a hang guard: a provider that never returns fails the test instead
 * of blocking the build.
 */
public abstract class ProviderConformanceSuite {
    /** The request timeout of every scenario but the stalls. */
    protected static final Duration NORMAL_TIMEOUT = Duration.ofSeconds(10);
    /** The request timeout of the stall scenarios: a staged stall must last well beyond it. */
    protected static final Duration STALL_TIMEOUT = Duration.ofMillis(300);
    /** The A2A context every scenario sends; providers forward it upstream. */
    protected static final A2aContext A2A =
            new A2aContext("conformance-trace-1", Optional.of("conformance-agent"), Optional.of("conformance-session"));

    private static final Duration HANG_GUARD = Duration.ofSeconds(20);

    // ---- What the provider module supplies ----------------------------------------------

    /** A fresh provider under test, pointed at the stand-in server, with this request timeout. */
    protected abstract LlmProvider provider(Duration requestTimeout);

    /** The catalog entry the scenarios call. */
    protected abstract ModelEntry model();

    /** The credential the provider was built with, to prove it never comes back; empty if none. */
    protected abstract Optional<String> secret();

    /** Stages a plain successful completion. */
    protected abstract Staged stageCompletion();

    /** Stages a successful stream of several deltas followed by its usage. */
    protected abstract Staged stageStream();

    /** Stages the same answer for one {@code complete} and one {@code stream} of the returned request. */
    protected abstract ChatRequest stageSameAnswerForCompleteAndStream();

    /** Stages an answer that ends for {@code reason}, streamed or not. */
    protected abstract ChatRequest stageFinish(FinishReason reason, boolean stream);

    /** Stages the provider's answer to a wrong key. */
    protected abstract ChatRequest stageBadAuth();

    /**
     * The HTTP status the provider answers a wrong key with: 401 unless the provider's own API
     * says otherwise (Gemini answers 400 with reason {@code API_KEY_INVALID}).
     */
    protected int badAuthStatus() {
        return 401;
    }

    /** Stages a rate-limit answer that asks the caller to wait {@code retryAfter}. */
    protected abstract ChatRequest stageRateLimit(Duration retryAfter);

    /** Stages a server-side failure with this HTTP status. */
    protected abstract ChatRequest stageServerError(int status);

    /** Stages a stream that sends at least one delta, then fails. */
    protected abstract ChatRequest stageFailureAfterFirstChunk();

    /** Stages an upstream that goes silent at {@code where} for much longer than {@link #STALL_TIMEOUT}. */
    protected abstract ChatRequest stageStall(StallPoint where);

    // ---- Tool calling and structured output (docs/tool-calling.md) -------------------------
    //
    // Each returns ToolStaged.answer(...) when the provider serves the scenario, or
    // ToolStaged.refused(request, field) when it lacks the capability: it must then throw
    // InvalidParams naming that field, complete and stream alike, never drop it silently.

    /** Stages {@code tool_choice: auto} with a prompt that leads the model to call a declared tool. */
    protected abstract ToolStaged stageToolChoiceAuto(boolean stream);

    /** Stages {@code tool_choice: required}: the model calls at least one declared tool. */
    protected abstract ToolStaged stageToolChoiceRequired(boolean stream);

    /** Stages a named tool choice ({@link io.llmclient.domain.tools.ToolChoice.Named}): every call is to it. */
    protected abstract ToolStaged stageNamedToolChoice(boolean stream);

    /** Stages {@code tool_choice: none} with tools declared: the model answers in text. */
    protected abstract ToolStaged stageToolChoiceNone(boolean stream);

    /** Stages an answer with two or more tool calls (parallel calls), in a known order when recorded. */
    protected abstract ToolStaged stageParallelToolCalls(boolean stream);

    /** Stages a round trip: a call, then the tool results, then the final text answer. */
    protected abstract ToolRoundTrip stageToolRoundTrip(boolean stream);

    /** Stages {@code response_format: json_object}: the answer's text is one JSON object. */
    protected abstract ToolStaged stageJsonObject(boolean stream);

    /** Stages {@code response_format: json_schema}: the answer's text follows the request's schema. */
    protected abstract ToolStaged stageJsonSchema(boolean stream);

    /** Stages a stream whose tool-call arguments arrive in two or more non-empty fragments. */
    protected abstract ToolStaged stageStreamedToolCallFragments();

    /**
     * A fresh provider pointed at {@code baseUrl} that reads at most {@code maxResponseBytes} of one
     * upstream answer ({@code LLM_MAX_RESPONSE_BYTES}). A provider without HTTP declares it
     * {@link #notApplicable(String)}, which is the default.
     */
    protected LlmProvider provider(URI baseUrl, long maxResponseBytes) {
        return notApplicable("no upstream answer to limit");
    }

    /**
     * A fresh provider pointed at the stand-in server whose answers share {@code budget} with every
     * other call ({@code LLM_RESPONSE_BUFFER_BYTES}). A provider without HTTP declares it
     * {@link #notApplicable(String)}, which is the default.
     */
    protected LlmProvider provider(ResponseBudget budget) {
        return notApplicable("no upstream answer to buffer");
    }

    /** Declares the current scenario not applicable to this provider: the test is reported skipped. */
    protected static <T> T notApplicable(String reason) {
        return Assumptions.abort("not applicable: " + reason);
    }

    // ---- Scenarios -----------------------------------------------------------------------

    @Test
    void aSimpleCompletionComesBackNormalised() {
        Staged staged = stageCompletion();
        ChatResponse response = complete(provider(NORMAL_TIMEOUT), staged.request());
        assertIdentity(response);
        assertEquals(FinishReason.STOP, response.finishReason());
        assertFalse(response.content().isBlank(), "content");
        assertTrue(response.usage().promptTokens() > 0 && response.usage().completionTokens() > 0,
                () -> "usage counts both sides: " + response.usage());
        staged.content().ifPresent(content -> assertEquals(content, response.content()));
        staged.usage().ifPresent(usage -> assertEquals(usage, response.usage()));
    }

    @Test
    void aStreamDeliversDeltasInOrderThenOneCompletedWithUsage() {
        Staged staged = stageStream();
        List<StreamEvent> events = stream(provider(NORMAL_TIMEOUT), staged.request());
        ChatResponse completed = completedAtTheEnd(events);
        List<String> deltas = deltas(events);
        assertTrue(deltas.size() >= 2, () -> "several deltas, got " + deltas);
        assertEquals(String.join("", deltas), completed.content(), "the deltas in order make the content");
        assertIdentity(completed);
        assertTrue(completed.usage().promptTokens() > 0 && completed.usage().completionTokens() > 0,
                () -> "usage at the end of the stream: " + completed.usage());
        staged.content().ifPresent(content -> assertEquals(content, completed.content()));
        staged.usage().ifPresent(usage -> assertEquals(usage, completed.usage()));
    }

    @Test
    void usageInAStreamEqualsUsageOfTheSameCompletion() {
        ChatRequest request = stageSameAnswerForCompleteAndStream();
        ChatResponse completed = complete(provider(NORMAL_TIMEOUT), request);
        ChatResponse streamed = completedAtTheEnd(stream(provider(NORMAL_TIMEOUT), request));
        assertAll(
                () -> assertEquals(completed.usage(), streamed.usage(), "usage"),
                () -> assertEquals(completed.content(), streamed.content(), "content"),
                () -> assertEquals(completed.finishReason(), streamed.finishReason(), "finish reason"));
    }

    static Stream<Arguments> finishReasons() {
        return Stream.of(FinishReason.STOP, FinishReason.LENGTH, FinishReason.CONTENT_FILTER, FinishReason.TOOL_CALLS)
                .flatMap(reason -> Stream.of(Arguments.of(reason, false), Arguments.of(reason, true)));
    }

    @ParameterizedTest(name = "{0}, streamed: {1}")
    @MethodSource("finishReasons")
    void finishReasonsAreNormalisedToTheContractsSet(FinishReason reason, boolean streamed) {
        ChatRequest request = stageFinish(reason, streamed);
        ChatResponse response = streamed
                ? completedAtTheEnd(stream(provider(NORMAL_TIMEOUT), request))
                : complete(provider(NORMAL_TIMEOUT), request);
        assertEquals(reason, response.finishReason());
    }

    @Test
    void aWrongKeyIsAPermanentProviderErrorWithItsStatusThatNeverEchoesTheKey() {
        ChatRequest request = stageBadAuth();
        LlmFailure failure = failureOf(() -> provider(NORMAL_TIMEOUT).complete(request, context()));
        var failed = assertInstanceOf(LlmFailure.ProviderFailed.class, failure);
        assertEquals(badAuthStatus(), failed.status().orElseThrow(), "status");
        assertFalse(failed.transientFailure(), "a wrong key does not get better by retrying");
        assertEquals(model().provider(), failed.provider());
        secret().ifPresent(secret -> assertNoRunOf(secret, failed.message()));
    }

    @Test
    void aRateLimitCarriesTheRetryAfterWait() {
        Duration wait = Duration.ofSeconds(7);
        ChatRequest request = stageRateLimit(wait);
        LlmFailure failure = failureOf(() -> provider(NORMAL_TIMEOUT).complete(request, context()));
        var limited = assertInstanceOf(LlmFailure.RateLimited.class, failure);
        assertEquals(Optional.of(wait), limited.retryAfter());
        assertEquals(model().provider(), limited.provider());
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {500, 503})
    void serverErrorsAreTransientProviderErrorsWithTheirStatus(int status) {
        ChatRequest request = stageServerError(status);
        LlmFailure failure = failureOf(() -> provider(NORMAL_TIMEOUT).complete(request, context()));
        var failed = assertInstanceOf(LlmFailure.ProviderFailed.class, failure);
        assertEquals(status, failed.status().orElseThrow(), "status");
        assertTrue(failed.transientFailure(), "a 5xx is worth retrying");
    }

    @Test
    void aFailureAfterTheFirstChunkEndsTheStreamWithoutCompleted() {
        ChatRequest request = stageFailureAfterFirstChunk();
        List<StreamEvent> events = Collections.synchronizedList(new ArrayList<>());
        LlmProvider provider = provider(NORMAL_TIMEOUT);
        LlmFailure failure = failureOf(() -> provider.stream(request, context(), events::add));
        assertFalse(deltas(events).isEmpty(), "the first delta reached the caller before the failure");
        assertTrue(events.stream().noneMatch(StreamEvent.Completed.class::isInstance), () -> "no Completed: " + events);
        assertEquals(model().provider(), failedProvider(failure));
    }

    // The stalls run on a virtual thread, as every call in the service does, and on a platform thread:
    // an adapter may bound the two differently (ProviderExchange).
    @ParameterizedTest(name = "virtual thread: {0}")
    @ValueSource(booleans = {true, false})
    void aCompletionThatStallsTimesOut(boolean virtual) {
        ChatRequest request = stageStall(StallPoint.BEFORE_ANSWER);
        LlmFailure failure = failureOn(virtual, () -> provider(STALL_TIMEOUT).complete(request, context()));
        assertInstanceOf(LlmFailure.ProviderTimedOut.class, failure);
    }

    @ParameterizedTest(name = "virtual thread: {0}")
    @ValueSource(booleans = {true, false})
    void aStreamThatStallsBeforeItsFirstChunkTimesOut(boolean virtual) {
        ChatRequest request = stageStall(StallPoint.BEFORE_ANSWER);
        LlmProvider provider = provider(STALL_TIMEOUT);
        LlmFailure failure = failureOn(virtual, () -> provider.stream(request, context(), event -> { }));
        assertInstanceOf(LlmFailure.ProviderTimedOut.class, failure);
    }

    @ParameterizedTest(name = "virtual thread: {0}")
    @ValueSource(booleans = {true, false})
    void aStreamThatStallsMidWayTimesOut(boolean virtual) {
        ChatRequest request = stageStall(StallPoint.MID_STREAM);
        List<StreamEvent> events = Collections.synchronizedList(new ArrayList<>());
        LlmProvider provider = provider(STALL_TIMEOUT);
        LlmFailure failure = failureOn(virtual, () -> provider.stream(request, context(), events::add));
        assertInstanceOf(LlmFailure.ProviderTimedOut.class, failure);
        assertTrue(events.stream().noneMatch(StreamEvent.Completed.class::isInstance), () -> "no Completed: " + events);
    }

    @ParameterizedTest(name = "streamed: {0}")
    @ValueSource(booleans = {false, true})
    void anUpstreamThatSendsAGigabyteIsCutOffAtTheLimitWithAPermanentProviderError(boolean streamed) {
        long limit = 64 * 1024;
        ChatRequest request = stageCompletion().request();
        try (var flood = new FloodingUpstream()) {
            LlmProvider provider = provider(flood.baseUrl(), limit);
            LlmFailure failure = failureOf(streamed
                    ? () -> provider.stream(request, context(), event -> { })
                    : () -> provider.complete(request, context()));
            var failed = assertInstanceOf(LlmFailure.ProviderFailed.class, failure);
            assertAll(
                    () -> assertEquals(model().provider(), failed.provider()),
                    () -> assertEquals(200, failed.status().orElseThrow(), "status"),
                    () -> assertFalse(failed.transientFailure(), "the same request would get the same flood"),
                    () -> assertTrue(failed.providerMessage().contains("larger than " + limit + " bytes"),
                            failed::providerMessage),
                    () -> assertTrue(flood.written() < FloodingUpstream.FLOOD_BYTES / 4,
                            () -> "the client stopped reading early, the flood wrote " + flood.written()));
        }
    }

    @Test
    void aCompletionThatDoesNotFitTheSharedBudgetIsOverloadedAndTakesNothing() {
        var budget = new ResponseBudget(64);
        ChatRequest request = stageCompletion().request();
        LlmProvider provider = provider(budget);
        LlmFailure failure = failureOf(() -> provider.complete(request, context()));
        assertEquals(new LlmFailure.Overloaded(model().provider(), new LlmFailure.Overloaded.ResponseBuffer(64)),
                failure);
        assertEquals(64, budget.available(), "the refused call holds nothing");
    }

    @Test
    void aCompletionGivesItsBytesBackToTheSharedBudgetWhenItEnds() {
        var budget = new ResponseBudget(1024 * 1024);
        ChatRequest request = stageCompletion().request();
        complete(provider(budget), request);
        assertEquals(budget.capacity(), budget.available());
    }

    @Test
    void anErrorAnswerGivesItsBytesBackToTheSharedBudget() {
        var budget = new ResponseBudget(1024 * 1024);
        ChatRequest request = stageServerError(503);
        LlmProvider provider = provider(budget);
        assertInstanceOf(LlmFailure.ProviderFailed.class, failureOf(() -> provider.complete(request, context())));
        assertEquals(budget.capacity(), budget.available());
    }

    @Test
    void aStreamGivesItsBytesBackToTheSharedBudgetWhenItEnds() {
        var budget = new ResponseBudget(1024 * 1024);
        ChatRequest request = stageStream().request();
        completedAtTheEnd(stream(provider(budget), request));
        assertEquals(budget.capacity(), budget.available());
    }

    @Test
    void aSinkThatThrowsEndsTheStreamWithItsOwnException() {
        Staged staged = stageStream();
        List<StreamEvent> seen = Collections.synchronizedList(new ArrayList<>());
        CallerGone gone = new CallerGone();
        LlmProvider provider = provider(NORMAL_TIMEOUT);
        RuntimeException thrown = assertThrows(RuntimeException.class, () -> assertTimeoutPreemptively(HANG_GUARD,
                () -> provider.stream(staged.request(), context(), event -> {
                    seen.add(event);
                    throw gone;
                })));
        assertSame(gone, thrown, "the sink's exception passes through unchanged");
        assertEquals(1, seen.size(), () -> "no event after the sink failed: " + seen);
    }

    // ---- Tool scenarios ------------------------------------------------------------------

    @ParameterizedTest(name = "streamed: {0}")
    @ValueSource(booleans = {false, true})
    void toolChoiceAutoLetsTheModelCallADeclaredTool(boolean streamed) {
        serveOrRefuse(stageToolChoiceAuto(streamed), streamed, response -> assertCalledTools(response, 1));
    }

    @ParameterizedTest(name = "streamed: {0}")
    @ValueSource(booleans = {false, true})
    void toolChoiceRequiredMakesTheModelCallATool(boolean streamed) {
        serveOrRefuse(stageToolChoiceRequired(streamed), streamed, response -> assertCalledTools(response, 1));
    }

    @ParameterizedTest(name = "streamed: {0}")
    @ValueSource(booleans = {false, true})
    void aNamedToolChoiceCallsThatTool(boolean streamed) {
        ToolStaged staged = stageNamedToolChoice(streamed);
        if (!(staged.request().effectiveToolChoice() instanceof ToolChoice.Named named)) {
            fail("stageNamedToolChoice must name a tool in its request's tool choice");
            return;
        }
        serveOrRefuse(staged, streamed, response -> {
            assertCalledTools(response, 1);
            response.toolCalls().forEach(call -> assertEquals(named.name(), call.name(), "the named tool"));
        });
    }

    @ParameterizedTest(name = "streamed: {0}")
    @ValueSource(booleans = {false, true})
    void toolChoiceNoneAnswersInText(boolean streamed) {
        ToolStaged staged = stageToolChoiceNone(streamed);
        assertFalse(staged.request().tools().isEmpty(), "stageToolChoiceNone must declare tools");
        serveOrRefuse(staged, streamed, response -> {
            assertEquals(List.of(), response.toolCalls(), "no tool calls");
            assertEquals(FinishReason.STOP, response.finishReason());
            assertFalse(response.content().isBlank(), "a text answer");
        });
    }

    @ParameterizedTest(name = "streamed: {0}")
    @ValueSource(booleans = {false, true})
    void parallelToolCallsKeepTheirOrderAndIndexes(boolean streamed) {
        serveOrRefuse(stageParallelToolCalls(streamed), streamed, response -> assertCalledTools(response, 2));
    }

    @ParameterizedTest(name = "streamed: {0}")
    @ValueSource(booleans = {false, true})
    void aToolRoundTripEndsInAFinalTextAnswer(boolean streamed) {
        ToolRoundTrip trip = stageToolRoundTrip(streamed);
        ChatResponse called = answer(trip.first(), streamed);
        assertCalledTools(called, 1);
        ChatRequest followUp = trip.followUp().apply(called);
        ChatResponse last = answer(followUp, streamed);
        assertIdentity(last);
        assertEquals(List.of(), last.toolCalls(), "the final answer calls no tool");
        assertEquals(FinishReason.STOP, last.finishReason());
        assertFalse(last.content().isBlank(), "a final text answer");
        trip.finalContent().ifPresent(content -> assertEquals(content, last.content()));
        trip.upstreamCheck().run();
    }

    @ParameterizedTest(name = "streamed: {0}")
    @ValueSource(booleans = {false, true})
    void jsonModeAnswersWithOneJsonObject(boolean streamed) {
        serveOrRefuse(stageJsonObject(streamed), streamed, response -> {
            assertEquals(FinishReason.STOP, response.finishReason());
            JsonChecks.object(response.content(), "the answer");
        });
    }

    @ParameterizedTest(name = "streamed: {0}")
    @ValueSource(booleans = {false, true})
    void aJsonSchemaAnswerFollowsTheSchema(boolean streamed) {
        ToolStaged staged = stageJsonSchema(streamed);
        if (!(staged.request().effectiveResponseFormat() instanceof ResponseFormat.JsonSchema format)) {
            fail("stageJsonSchema must ask for a json_schema response format");
            return;
        }
        serveOrRefuse(staged, streamed, response -> {
            assertEquals(FinishReason.STOP, response.finishReason());
            JsonChecks.followsSchema(JsonChecks.object(response.content(), "the answer"), format.schema(), "answer");
        });
    }

    @Test
    void streamedToolCallArgumentsInFragmentsAreReassembledExactly() {
        ToolStaged staged = stageStreamedToolCallFragments();
        if (!(staged instanceof ToolStaged.Answer answer)) {
            serveOrRefuse(staged, true, response -> { });
            return;
        }
        List<StreamEvent> events = stream(provider(NORMAL_TIMEOUT), answer.request());
        ChatResponse completed = completedAtTheEnd(events);
        Map<Integer, Long> fragments = events.stream()
                .filter(StreamEvent.ToolCallDelta.class::isInstance).map(StreamEvent.ToolCallDelta.class::cast)
                .filter(delta -> !delta.arguments().isEmpty())
                .collect(Collectors.groupingBy(StreamEvent.ToolCallDelta::index, Collectors.counting()));
        assertTrue(fragments.values().stream().anyMatch(count -> count >= 2),
                () -> "some call's arguments arrive in several fragments: " + events);
        assertCalledTools(completed, 1);
        answer.toolCalls().ifPresent(calls -> assertEquals(calls, completed.toolCalls(), "tool calls"));
        answer.upstreamCheck().run();
    }

    // Runs a staged tool scenario: an answer is checked by the scenario, a refusal must name its field.
    private void serveOrRefuse(ToolStaged staged, boolean streamed, Consumer<ChatResponse> scenario) {
        switch (staged) {
            case ToolStaged.Answer answer -> {
                ChatResponse response = answer(answer.request(), streamed);
                assertIdentity(response);
                scenario.accept(response);
                answer.toolCalls().ifPresent(calls -> assertEquals(calls, response.toolCalls(), "tool calls"));
                answer.content().ifPresent(content -> assertEquals(content, response.content(), "content"));
                answer.upstreamCheck().run();
            }
            case ToolStaged.Refusal refusal -> {
                List<StreamEvent> events = Collections.synchronizedList(new ArrayList<>());
                LlmProvider provider = provider(NORMAL_TIMEOUT);
                LlmFailure failure = failureOf(streamed
                        ? () -> provider.stream(refusal.request(), context(), events::add)
                        : () -> provider.complete(refusal.request(), context()));
                var invalid = assertInstanceOf(LlmFailure.InvalidParams.class, failure,
                        "a capability the provider lacks is refused as InvalidParams");
                assertTrue(invalid.errors().stream().anyMatch(error -> error.field().equals(refusal.field())),
                        () -> "the refusal names " + refusal.field() + ": " + invalid.errors());
                assertEquals(List.of(), events, "refused before anything was streamed");
            }
        }
    }

    // A complete, or a stream checked event by event and reduced to its Completed response.
    private ChatResponse answer(ChatRequest request, boolean streamed) {
        return streamed ? completedAtTheEnd(stream(provider(NORMAL_TIMEOUT), request))
                : complete(provider(NORMAL_TIMEOUT), request);
    }

    // At least {@code atLeast} calls, each with an id (unique), a declared name and JSON object arguments.
    private static void assertCalledTools(ChatResponse response, int atLeast) {
        List<ToolCall> calls = response.toolCalls();
        assertTrue(calls.size() >= atLeast, () -> "at least " + atLeast + " tool call(s): " + response);
        assertEquals(FinishReason.TOOL_CALLS, response.finishReason(), "finish reason");
        assertEquals(calls.size(), calls.stream().map(ToolCall::id).distinct().count(), () -> "unique ids: " + calls);
        for (ToolCall call : calls) {
            assertFalse(call.id().isBlank(), "tool call id");
            assertFalse(call.name().isBlank(), "tool call name");
            JsonChecks.object(call.arguments(), "the arguments of " + call.name());
        }
    }

    // ---- Helpers -------------------------------------------------------------------------

    /**
     * A request for {@link #model()} with one user message and the given tools, tool choice and
     * response format, for staging methods that need no more.
     */
    protected ChatRequest toolRequest(String prompt, List<ToolDefinition> tools, Optional<ToolChoice> toolChoice,
                                      Optional<ResponseFormat> responseFormat, boolean stream) {
        return ChatRequests.builder().model(model().id()).user(prompt).stream(stream).context(A2A).tools(tools)
                .toolChoice(toolChoice).responseFormat(responseFormat).build();
    }

    /** The call context every scenario sends. */
    protected CallContext context() {
        return new CallContext(model(), A2A);
    }

    private ChatResponse complete(LlmProvider provider, ChatRequest request) {
        return assertTimeoutPreemptively(HANG_GUARD, () -> provider.complete(request, context()));
    }

    private List<StreamEvent> stream(LlmProvider provider, ChatRequest request) {
        List<StreamEvent> events = Collections.synchronizedList(new ArrayList<>());
        assertTimeoutPreemptively(HANG_GUARD, () -> provider.stream(request, context(), events::add));
        return List.copyOf(events);
    }

    /** The failure {@code call} ends with, run on a new virtual thread or on a platform thread. */
    private static LlmFailure failureOn(boolean virtual, org.junit.jupiter.api.function.Executable call) {
        if (!virtual) {
            return failureOf(call);
        }
        var thrown = new java.util.concurrent.atomic.AtomicReference<Throwable>();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                call.execute();
            } catch (Throwable failure) {
                thrown.set(failure);
            }
        });
        try {
            assertTrue(caller.join(HANG_GUARD), "the call on a virtual thread returned");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted");
        }
        return assertInstanceOf(LlmFailureException.class, thrown.get(), () -> "failed with " + thrown.get())
                .failure();
    }

    private static LlmFailure failureOf(org.junit.jupiter.api.function.Executable call) {
        LlmFailureException thrown = assertThrows(LlmFailureException.class,
                () -> assertTimeoutPreemptively(HANG_GUARD, call));
        return thrown.failure();
    }

    private static ChatResponse completedAtTheEnd(List<StreamEvent> events) {
        assertFalse(events.isEmpty(), "the stream delivered nothing");
        long completed = events.stream().filter(StreamEvent.Completed.class::isInstance).count();
        assertEquals(1, completed, () -> "exactly one Completed: " + events);
        if (!(events.getLast() instanceof StreamEvent.Completed last)) {
            return fail("Completed must be the last event: " + events);
        }
        List<StreamEvent> before = events.subList(0, events.size() - 1);
        assertTrue(before.stream().allMatch(event -> event instanceof StreamEvent.Delta
                        || event instanceof StreamEvent.ToolCallDelta), () -> "only deltas before Completed: " + events);
        // The fragments' rules (start in index order with id and name, then arguments) and their sum.
        var assembler = new ToolCallAssembler();
        before.stream().filter(StreamEvent.ToolCallDelta.class::isInstance)
                .map(StreamEvent.ToolCallDelta.class::cast).forEach(assembler::add);
        assertEquals(assembler.toolCalls(), last.response().toolCalls(),
                "the tool-call fragments reassembled are the completed tool calls");
        String text = before.stream().filter(StreamEvent.Delta.class::isInstance)
                .map(event -> ((StreamEvent.Delta) event).text()).collect(Collectors.joining());
        assertEquals(text, last.response().content(), "the text deltas in order make the content");
        return last.response();
    }

    private static List<String> deltas(List<StreamEvent> events) {
        synchronized (events) {
            return events.stream()
                    .filter(StreamEvent.Delta.class::isInstance)
                    .map(event -> ((StreamEvent.Delta) event).text())
                    .toList();
        }
    }

    private void assertIdentity(ChatResponse response) {
        assertAll(
                () -> assertEquals(model().provider(), response.provider(), "provider"),
                () -> assertEquals(model().id(), response.model(), "model is the catalog id"),
                () -> assertFalse(response.providerModel().isBlank(), "provider model"),
                () -> assertFalse(response.id().isBlank(), "response id"),
                () -> assertEquals(A2A.traceId(), response.traceId(), "trace id"),
                () -> assertFalse(response.latency().isNegative(), "latency"));
    }

    private static Object failedProvider(LlmFailure failure) {
        return switch (failure) {
            case LlmFailure.ProviderFailed failed -> failed.provider();
            case LlmFailure.ProviderTimedOut timedOut -> timedOut.provider();
            case LlmFailure.RateLimited limited -> limited.provider();
            case LlmFailure.Overloaded overloaded -> overloaded.provider();
            case LlmFailure.ProviderUnavailable unavailable -> unavailable.provider().orElse(null);
            case LlmFailure.InvalidParams ignored -> fail("a provider never reports InvalidParams");
            case LlmFailure.ModelNotAllowed ignored -> fail("a provider never reports ModelNotAllowed");
            case LlmFailure.QuotaExceeded ignored -> fail("a provider never reports QuotaExceeded");
            case LlmFailure.BudgetExceeded ignored -> fail("a provider never reports BudgetExceeded");
            case LlmFailure.StateUnavailable ignored -> fail("a provider never reports StateUnavailable");
        };
    }

    /** The contract's rule: no run of 8 or more of the key's characters in any output. */
    private static void assertNoRunOf(String secret, String text) {
        int run = Math.min(8, secret.length());
        for (int start = 0; start + run <= secret.length(); start++) {
            String piece = secret.substring(start, start + run);
            assertFalse(text.contains(piece), () -> "the message carries part of the key: " + text);
        }
    }

    /** What a sink throws when its caller has gone away. */
    private static final class CallerGone extends RuntimeException {
        @Serial
        private static final long serialVersionUID = 1L;

        CallerGone() {
            super("caller disconnected", null, false, false);
        }
    }
}
