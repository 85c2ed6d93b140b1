package io.llmclient.application.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.application.provider.Availability;
import io.llmclient.application.provider.CallContext;
import io.llmclient.application.provider.StreamSink;
import io.llmclient.application.registry.ProviderRegistry;
import io.llmclient.application.telemetry.RequestRecord.Status;
import io.llmclient.application.telemetry.RequestRecord;
import io.llmclient.application.testing.FakeProvider;
import io.llmclient.domain.catalog.ModelCatalog;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.Message;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Role;
import io.llmclient.domain.failure.FieldError;
import io.llmclient.domain.failure.LlmFailure.InvalidParams;
import io.llmclient.domain.failure.LlmFailure.ModelNotAllowed;
import io.llmclient.domain.failure.LlmFailure.ProviderFailed;
import io.llmclient.domain.failure.LlmFailure.ProviderUnavailable;
import io.llmclient.domain.failure.LlmFailure.RateLimited;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.governance.AllowList;
import io.llmclient.domain.governance.GovernanceViolation;
import io.llmclient.domain.selection.ModelPolicy;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.domain.testing.ChatResponses;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class LlmServiceTest {

    private static final ModelEntry MINI = new ModelEntry("gpt-4.1-mini", ProviderId.OPENAI, ModelTier.FAST,
            "gpt-4.1-mini-2025-04-14");
    private static final ModelEntry HAIKU = ModelEntry.of("claude-3-5-haiku-20241022", ProviderId.ANTHROPIC,
            ModelTier.FAST);
    private static final ModelEntry GPT5_MINI = ModelEntry.of("gpt-5-mini", ProviderId.OPENAI, ModelTier.BALANCED);
    private static final ModelEntry SONNET = ModelEntry.of("claude-sonnet-4", ProviderId.ANTHROPIC,
            ModelTier.PREMIUM);
    private static final A2aContext HEADERS = new A2aContext("h-trace", Optional.of("h-agent"), Optional.empty());
    private static final A2aContext PARAMS_CONTEXT = new A2aContext("t-1", Optional.of("planner"), Optional.of("s-9"));
    private static final RateLimited RATE_LIMITED = new RateLimited(ProviderId.OPENAI, Optional.of(Duration.ofSeconds(2)));

    private final FakeTime time = new FakeTime();
    private final Journal journal = new Journal();
    private final FakeProvider openai = new FakeProvider(ProviderId.OPENAI, journal::add);
    private final FakeProvider anthropic = new FakeProvider(ProviderId.ANTHROPIC, journal::add);
    private final ModelPolicy policy = new ModelPolicy(
            new ModelCatalog(List.of(MINI, HAIKU, GPT5_MINI, SONNET)),
            new AllowList(List.of("gpt-4.1-mini", "ghost", "gpt-5-mini", "claude-3-5-haiku-20241022")),
            Map.of(ModelTier.FAST, List.of("gpt-4.1-mini", "claude-3-5-haiku-20241022"),
                    ModelTier.BALANCED, List.of("gpt-5-mini"),
                    ModelTier.PREMIUM, List.of("claude-sonnet-4")),
            Map.of(), List.of(ProviderId.OPENAI, ProviderId.ANTHROPIC), "gpt-4.1-mini");
    private final LlmService service;

    LlmServiceTest() {
        anthropic.availability = Availability.down("no API key");
        var registry = new ProviderRegistry(List.of(openai.factory(), anthropic.factory()), id -> null);
        service = LlmService.builder().policy(policy).registry(registry).metrics(journal).audit(journal)
                .requestLog(journal).time(time).build();
    }

    /** Params with a user message and the A2A ids of {@link #PARAMS_CONTEXT}, plus the given pairs. */
    private static Map<String, Object> params(Object... keysAndValues) {
        var params = new LinkedHashMap<String, Object>();
        params.put("messages", List.of(Map.of("role", "user", "content", "Hello")));
        params.put("trace_id", "t-1");
        params.put("source_agent", "planner");
        params.put("session_id", "s-9");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            params.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return params;
    }

    private LlmFailure failureOf(Runnable call) {
        return assertThrows(LlmFailureException.class, call::run).failure();
    }

    private ChatResponse expectedResponse(ModelEntry model, Duration latency) {
        return ChatResponses.builder().id("resp-1").model(model).content("Hi!").usage(9, 3).traceId("t-1")
                .latency(latency).build();
    }

    private void answerAfter(Duration latency) {
        openai.behaviour = (request, context, sink) -> {
            time.advance(latency);
            return FakeProvider.response(context, "Hi!");
        };
    }

    @Nested
    class Complete {

        @Test
        void theProviderAnswerComesBackWithTheMeasuredLatency() {
            answerAfter(Duration.ofMillis(412));
            var response = service.complete(params("model", "gpt-4.1-mini"), HEADERS);
            assertEquals(expectedResponse(MINI, Duration.ofMillis(412)), response);
        }

        @Test
        void validationSelectionCallAndRecordingHappenInThatOrder() {
            answerAfter(Duration.ofMillis(412));
            service.complete(params("model", "gpt-4.1-mini"), HEADERS);
            assertEquals(List.of(
                    "log.selection t-1: model=gpt-4.1-mini as requested (provider openai)",
                    "metrics.started gpt-4.1-mini",
                    "provider.complete openai gpt-4.1-mini",
                    "metrics.succeeded gpt-4.1-mini 412ms 9+3",
                    "log.completed complete SUCCESS"), journal.entries);
        }

        @Test
        void theProviderGetsTheSelectedCatalogEntryAndTheA2aContextFromParams() {
            service.complete(params("model", "gpt-4.1-mini"), HEADERS);
            assertEquals(List.of(new CallContext(MINI, PARAMS_CONTEXT)), openai.contexts);
            assertEquals(List.of(new Message(Role.USER, "Hello")), openai.requests.getFirst().messages());
        }

        @Test
        void headerIdsAreUsedWhereParamsHaveNone() {
            var params = params("model", "gpt-4.1-mini");
            params.remove("trace_id");
            params.remove("source_agent");
            service.complete(params, HEADERS);
            assertEquals(new A2aContext("h-trace", Optional.of("h-agent"), Optional.of("s-9")),
                    openai.contexts.getFirst().a2a());
        }

        @Test
        void theRequestLogRecordsTheFinishedRequest() {
            answerAfter(Duration.ofMillis(250));
            service.complete(params("model", "gpt-4.1-mini"), HEADERS);
            assertEquals(List.of(new RequestRecord(PARAMS_CONTEXT, "complete", Optional.of("gpt-4.1-mini"),
                    Optional.of("openai"), Duration.ofMillis(250), Status.SUCCESS, Optional.empty())), journal.records);
        }

        @Test
        void withoutModelTheDefaultIsCalled() {
            service.complete(params(), HEADERS);
            assertEquals(MINI, openai.contexts.getFirst().model());
        }

        @Test
        void aTierIsServedByItsAvailableModel() {
            service.complete(params("tier", "balanced"), HEADERS);
            assertEquals(GPT5_MINI, openai.contexts.getFirst().model());
        }

        @Test
        void aProviderFailureIsRethrownAndCountedByItsType() {
            var thrown = new LlmFailureException(RATE_LIMITED);
            openai.behaviour = (request, context, sink) -> {
                time.advance(Duration.ofMillis(30));
                throw thrown;
            };
            var caught = assertThrows(LlmFailureException.class,
                    () -> service.complete(params("model", "gpt-4.1-mini"), HEADERS));
            assertSame(thrown, caught);
            assertEquals(List.of("metrics.started gpt-4.1-mini", "metrics.rateLimited openai",
                    "metrics.failed gpt-4.1-mini 30ms RateLimitedError"),
                    journal.metrics());
            assertEquals(new RequestRecord(PARAMS_CONTEXT, "complete", Optional.of("gpt-4.1-mini"),
                    Optional.of("openai"), Duration.ofMillis(30), Status.ERROR, Optional.of("RateLimitedError")),
                    journal.records.getFirst());
        }

        @Test
        void anUnexpectedExceptionIsRethrownAndCountedAsInternalError() {
            var bug = new IllegalStateException("bug");
            openai.behaviour = (request, context, sink) -> {
                throw bug;
            };
            assertSame(bug, assertThrows(IllegalStateException.class,
                    () -> service.complete(params("model", "gpt-4.1-mini"), HEADERS)));
            assertEquals(List.of("metrics.started gpt-4.1-mini", "metrics.failed gpt-4.1-mini 0ms InternalError"),
                    journal.metrics());
        }
    }

    @Test
    void aPreparedRequestForAnUnregisteredProviderIsABugNotAProviderCall() {
        var prepared = service.prepare(params("model", "gpt-4.1-mini"), HEADERS);
        var orphan = ModelEntry.of("orphan", new ProviderId("nobody"), ModelTier.FAST);
        var error = assertThrows(IllegalStateException.class,
                () -> service.complete(new PreparedRequest(prepared.request(), orphan, prepared.timer(),
                        prepared.ticket())));
        assertEquals("selection chose model orphan of unregistered provider nobody", error.getMessage());
        assertEquals(List.of(), journal.metrics());
    }

    @Nested
    class Refusals {

        @Test
        void invalidParamsListEveryFieldAndNeverReachAProvider() {
            var failure = failureOf(() -> service.complete(params("temperature", 3, "max_tokens", 0), HEADERS));
            assertEquals(new InvalidParams(List.of(new FieldError("temperature", "must be between 0 and 2"),
                    new FieldError("max_tokens", "must be between 1 and " + Integer.MAX_VALUE))), failure);
            assertEquals(List.of("log.completed prepare ERROR"), journal.entries);
        }

        @Test
        void invalidParamsAreLoggedWithTheCallersTraceId() {
            failureOf(() -> service.complete(params("messages", List.of()), HEADERS));
            assertEquals(new RequestRecord(PARAMS_CONTEXT, "prepare", Optional.empty(), Optional.empty(),
                    Duration.ZERO, Status.ERROR, Optional.of("InvalidParams")), journal.records.getFirst());
        }

        @Test
        void aModelNotAllowedIsRefusedNamingTheAllowedModels() {
            var failure = failureOf(() -> service.complete(params("model", "claude-sonnet-4"), HEADERS));
            assertEquals(new ModelNotAllowed("claude-sonnet-4",
                    List.of("gpt-4.1-mini", "ghost", "gpt-5-mini", "claude-3-5-haiku-20241022")), failure);
        }

        @Test
        void aGovernanceViolationGoesToTheAuditPortWithTheWholeContext() {
            failureOf(() -> service.complete(params("model", "claude-sonnet-4"), HEADERS));
            assertEquals(List.of(new GovernanceViolation(FakeTime.START, PARAMS_CONTEXT, "claude-sonnet-4",
                    "model=claude-sonnet-4 refused: not in ALLOWED_MODELS")), journal.violations);
        }

        @Test
        void aGovernanceViolationGoesToTheMetricsPortOnlyAsAViolation() {
            failureOf(() -> service.complete(params("model", "claude-sonnet-4"), HEADERS));
            assertEquals(List.of("metrics.governanceViolation claude-sonnet-4 planner"), journal.metrics());
        }

        @Test
        void aGovernanceViolationNeverCallsAProvider() {
            failureOf(() -> service.complete(params("model", "claude-sonnet-4"), HEADERS));
            assertEquals(List.of(), openai.contexts);
            assertEquals(List.of(), anthropic.contexts);
            assertEquals(new RequestRecord(PARAMS_CONTEXT, "prepare", Optional.of("claude-sonnet-4"),
                    Optional.empty(), Duration.ZERO, Status.ERROR, Optional.of("ModelNotAllowedError")),
                    journal.records.getFirst());
        }

        @Test
        void aViolationWithoutSourceAgentIsCountedForUnknown() {
            var params = params("model", "gpt-4");
            params.remove("source_agent");
            failureOf(() -> service.complete(params, A2aContext.ofTrace("h")));
            assertEquals(List.of("metrics.governanceViolation gpt-4 unknown"), journal.metrics());
            assertEquals(Optional.empty(), journal.violations.getFirst().context().sourceAgent());
        }

        @Test
        void aModelWhoseProviderIsUnavailableIsRefusedWithoutAuditAndCountedAsAnErrorOfThatModel() {
            var failure = failureOf(() -> service.complete(params("model", "claude-3-5-haiku-20241022"), HEADERS));
            assertEquals(ProviderUnavailable.forModel("claude-3-5-haiku-20241022", ProviderId.ANTHROPIC,
                    "Provider 'anthropic' for model 'claude-3-5-haiku-20241022' is unavailable"), failure);
            assertEquals(List.of(), journal.violations);
            // Started and failed at once: llm_requests_total{status="error"} and llm_errors_total both
            // move, and the active-requests gauge is back where it was.
            assertEquals(List.of("metrics.started claude-3-5-haiku-20241022",
                    "metrics.failed claude-3-5-haiku-20241022 0ms ProviderUnavailableError"), journal.metrics());
            assertEquals(Optional.of("claude-3-5-haiku-20241022"), journal.records.getFirst().model());
        }

        @Test
        void aTierWithoutAllowedModelIsProviderUnavailableNamingTheTier() {
            var failure = assertInstanceOf(ProviderUnavailable.class,
                    failureOf(() -> service.complete(params("complexity", "high"), HEADERS)));
            assertEquals(Optional.of(ModelTier.PREMIUM), failure.tier());
            assertEquals(List.of(), journal.violations);
            assertEquals(List.of(), journal.metrics(), "a refused tier has no model to count it against");
            assertEquals("log.selection t-1: complexity=high -> tier=premium: no allowed model in tier",
                    journal.entries.getFirst());
        }
    }

    @Nested
    class Stream {
        private final List<StreamEvent> received = new ArrayList<>();

        private PreparedRequest prepared() {
            return service.prepare(params("model", "gpt-4.1-mini", "stream", true), HEADERS);
        }

        private void streamWith(FakeProvider.Behaviour behaviour) {
            openai.behaviour = behaviour;
            service.stream(prepared(), received::add);
        }

        /** Streams "Hel", "lo" and the provider's Completed, 100 ms, 50 ms and 50 ms apart. */
        private ChatResponse helloStream(StreamSink sink, CallContext context) {
            time.advance(Duration.ofMillis(100));
            sink.accept(new StreamEvent.Delta("Hel"));
            time.advance(Duration.ofMillis(50));
            sink.accept(new StreamEvent.Delta("lo"));
            time.advance(Duration.ofMillis(50));
            sink.accept(new StreamEvent.Completed(FakeProvider.response(context, "Hello")));
            return null;
        }

        @Test
        void deltasAreForwardedAndCompletedComesLastWithTheMeasuredLatency() {
            streamWith((request, context, sink) -> helloStream(sink, context));
            var done = FakeProvider.response(new CallContext(MINI, PARAMS_CONTEXT), "Hello")
                    .withLatency(Duration.ofMillis(200));
            assertEquals(List.of(new StreamEvent.Delta("Hel"), new StreamEvent.Delta("lo"),
                    new StreamEvent.Completed(done)), received);
        }

        @Test
        void theProvidersHintAndFlushReachTheCallersSinkInOrder() {
            List<String> heard = new ArrayList<>();
            openai.behaviour = (request, context, sink) -> {
                sink.accept(new StreamEvent.Delta("Hel"), true);
                sink.accept(new StreamEvent.Delta("lo"), true);
                sink.flush();
                sink.accept(new StreamEvent.Completed(FakeProvider.response(context, "Hello")));
                return null;
            };
            service.stream(prepared(), new StreamSink() {
                @Override
                public void accept(StreamEvent event) {
                    heard.add(event.getClass().getSimpleName());
                }

                @Override
                public void accept(StreamEvent event, boolean moreAtHand) {
                    heard.add(((StreamEvent.Delta) event).text() + (moreAtHand ? " held" : " now"));
                }

                @Override
                public void flush() {
                    heard.add("flush");
                }
            });
            assertEquals(List.of("Hel held", "lo held", "flush", "Completed"), heard);
        }

        @Test
        void aCallerGoneAtAFlushStopsTheProviderAndIsRecordedAsCancelled() {
            var gone = new IllegalStateException("client gone");
            openai.behaviour = (request, context, sink) -> {
                sink.accept(new StreamEvent.Delta("Hel"), true);
                assertThrows(IllegalStateException.class, sink::flush);
                sink.flush();
                return null;
            };
            var thrown = assertThrows(IllegalStateException.class, () -> service.stream(prepared(), new StreamSink() {
                @Override
                public void accept(StreamEvent event) {
                    // Held: nothing to do until the flush.
                }

                @Override
                public void flush() {
                    throw gone;
                }
            }));
            assertSame(gone, thrown);
        }

        @Test
        void aSinkWithoutBatchingTakesHeldDeltasAsPlainOnes() {
            streamWith((request, context, sink) -> {
                sink.accept(new StreamEvent.Delta("Hel"), true);
                sink.flush();
                sink.accept(new StreamEvent.Completed(FakeProvider.response(context, "Hel")));
                return null;
            });
            assertEquals(new StreamEvent.Delta("Hel"), received.getFirst());
        }

        @Test
        void timeToFirstTokenIsRecordedOnceAtTheFirstDelta() {
            streamWith((request, context, sink) -> helloStream(sink, context));
            assertEquals(List.of("metrics.started gpt-4.1-mini", "metrics.firstToken gpt-4.1-mini 100ms",
                    "metrics.succeeded gpt-4.1-mini 200ms 9+3"), journal.metrics());
        }

        @Test
        void aToolCallFragmentIsHandedOnAndCountsAsTheFirstToken() {
            var start = StreamEvent.ToolCallDelta.start(0, "call_1", "get_weather", "");
            var arguments = StreamEvent.ToolCallDelta.arguments(0, "{}");
            streamWith((request, context, sink) -> {
                time.advance(Duration.ofMillis(70));
                sink.accept(start);
                time.advance(Duration.ofMillis(30));
                sink.accept(arguments);
                sink.accept(new StreamEvent.Completed(FakeProvider.response(context, "")));
                return null;
            });
            assertEquals(List.of(start, arguments), received.subList(0, 2));
            assertEquals(List.of("metrics.started gpt-4.1-mini", "metrics.firstToken gpt-4.1-mini 70ms",
                    "metrics.succeeded gpt-4.1-mini 100ms 9+3"), journal.metrics());
        }

        @Test
        void theStreamIsLoggedAsOneSuccessfulRequest() {
            streamWith((request, context, sink) -> helloStream(sink, context));
            assertEquals(List.of(new RequestRecord(PARAMS_CONTEXT, "stream", Optional.of("gpt-4.1-mini"),
                    Optional.of("openai"), Duration.ofMillis(200), Status.SUCCESS, Optional.empty())),
                    journal.records);
        }

        @Test
        void latencyIsMeasuredFromTheStartOfPrepare() {
            var prepared = prepared();
            time.advance(Duration.ofMillis(7));
            openai.behaviour = (request, context, sink) -> helloStream(sink, context);
            service.stream(prepared, received::add);
            var completed = assertInstanceOf(StreamEvent.Completed.class, received.getLast());
            assertEquals(Duration.ofMillis(207), completed.response().latency());
        }

        @Test
        void aFailureBeforeTheFirstEventIsThrownAndNothingIsSent() {
            var thrown = new LlmFailureException(RATE_LIMITED);
            var caught = assertThrows(LlmFailureException.class, () -> streamWith((request, context, sink) -> {
                throw thrown;
            }));
            assertSame(thrown, caught);
            assertEquals(List.of(), received);
            assertEquals(List.of("metrics.started gpt-4.1-mini", "metrics.rateLimited openai",
                    "metrics.failed gpt-4.1-mini 0ms RateLimitedError"),
                    journal.metrics());
        }

        @Test
        void aFailureAfterTheFirstEventEndsTheStreamAsFailed() {
            var failure = new ProviderFailed(ProviderId.OPENAI, OptionalInt.empty(), "connection reset");
            streamWith((request, context, sink) -> {
                sink.accept(new StreamEvent.Delta("Hel"));
                time.advance(Duration.ofMillis(40));
                throw new LlmFailureException(failure);
            });
            assertEquals(List.of(new StreamEvent.Delta("Hel"), new StreamEvent.Failed(failure)), received);
            assertEquals(List.of("metrics.started gpt-4.1-mini", "metrics.firstToken gpt-4.1-mini 0ms",
                    "metrics.failed gpt-4.1-mini 40ms ProviderError"), journal.metrics());
        }

        @Test
        void aFailedEventFromTheProviderEndsTheStreamAsFailed() {
            var failure = new ProviderFailed(ProviderId.OPENAI, OptionalInt.of(500), "overloaded");
            streamWith((request, context, sink) -> {
                sink.accept(new StreamEvent.Delta("Hel"));
                sink.accept(new StreamEvent.Failed(failure));
                return null;
            });
            assertEquals(List.of(new StreamEvent.Delta("Hel"), new StreamEvent.Failed(failure)), received);
            assertEquals("metrics.failed gpt-4.1-mini 0ms ProviderError", journal.metrics().getLast());
        }

        @Test
        void aStreamEndingWithoutCompletedIsAnInternalError() {
            assertThrows(IllegalStateException.class, () -> streamWith((request, context, sink) -> {
                sink.accept(new StreamEvent.Delta("Hel"));
                return null;
            }));
            assertEquals("metrics.failed gpt-4.1-mini 0ms InternalError", journal.metrics().getLast());
        }

        @Test
        void anUnexpectedExceptionIsRethrownAndCountedAsInternalError() {
            assertThrows(IllegalArgumentException.class, () -> streamWith((request, context, sink) -> {
                throw new IllegalArgumentException("bug");
            }));
            assertEquals("metrics.failed gpt-4.1-mini 0ms InternalError", journal.metrics().getLast());
        }

        @Test
        void aCallerGoneAtTheLastEventEndsTheRequestOnceAsSucceeded() {
            openai.behaviour = (request, context, sink) -> helloStream(sink, context);
            var gone = new IllegalStateException("client disconnected");
            assertSame(gone, assertThrows(IllegalStateException.class, () -> service.stream(prepared(), event -> {
                if (event instanceof StreamEvent.Completed) {
                    throw gone;
                }
            })));
            assertEquals(List.of("metrics.started gpt-4.1-mini", "metrics.firstToken gpt-4.1-mini 100ms",
                    "metrics.succeeded gpt-4.1-mini 200ms 9+3"), journal.metrics());
            assertEquals(1, journal.records.size());
        }

        @Test
        void aCallerGoneMidStreamIsRecordedAsCancelledAndTheSinksExceptionRethrown() {
            var gone = new IllegalStateException("client disconnected");
            openai.behaviour = (request, context, sink) -> helloStream(sink, context);
            assertSame(gone, assertThrows(IllegalStateException.class, () -> service.stream(prepared(), event -> {
                throw gone;
            })));
            assertEquals(List.of("metrics.started gpt-4.1-mini", "metrics.failed gpt-4.1-mini 100ms ClientCancelled"),
                    journal.metrics());
            assertEquals(List.of(new RequestRecord(PARAMS_CONTEXT, "stream", Optional.of("gpt-4.1-mini"),
                    Optional.of("openai"), Duration.ofMillis(100), Status.ERROR, Optional.of("ClientCancelled"))),
                    journal.records);
        }

        @Test
        void aProviderTurningTheCallerGoneIntoItsOwnFailureIsStillACancellation() {
            var gone = new IllegalStateException("client disconnected");
            openai.behaviour = (request, context, sink) -> {
                try {
                    sink.accept(new StreamEvent.Delta("Hel"));
                } catch (RuntimeException e) {
                    throw new LlmFailureException(new ProviderFailed(ProviderId.OPENAI, OptionalInt.empty(), "closed"));
                }
                return null;
            };
            assertSame(gone, assertThrows(IllegalStateException.class, () -> service.stream(prepared(), event -> {
                throw gone;
            })));
            assertEquals("metrics.failed gpt-4.1-mini 0ms ClientCancelled", journal.metrics().getLast());
        }

        @Test
        void aProviderSwallowingTheCallerGoneAndEndingQuietlyIsACancellation() {
            var gone = new IllegalStateException("client disconnected");
            var refusedAgain = new ArrayList<RuntimeException>();
            openai.behaviour = (request, context, sink) -> {
                for (String piece : List.of("Hel", "lo")) {
                    try {
                        sink.accept(new StreamEvent.Delta(piece));
                    } catch (RuntimeException e) {
                        refusedAgain.add(e);
                    }
                }
                sink.accept(new StreamEvent.Completed(FakeProvider.response(context, "Hello")));
                return null;
            };
            assertSame(gone, assertThrows(IllegalStateException.class, () -> service.stream(prepared(), event -> {
                throw gone;
            })));
            assertEquals(List.of(gone, gone), refusedAgain);
            assertEquals(List.of("metrics.started gpt-4.1-mini", "metrics.failed gpt-4.1-mini 0ms ClientCancelled"),
                    journal.metrics());
        }

        @Test
        void latencyAndTimeToFirstTokenAreMeasuredFromTheRequestsArrival() {
            var arrived = service.arrival();
            time.advance(Duration.ofMillis(30));
            var prepared = service.prepare(params("model", "gpt-4.1-mini", "stream", true), HEADERS, arrived);
            openai.behaviour = (request, context, sink) -> helloStream(sink, context);
            service.stream(prepared, received::add);
            assertEquals(List.of("metrics.started gpt-4.1-mini", "metrics.firstToken gpt-4.1-mini 130ms",
                    "metrics.succeeded gpt-4.1-mini 230ms 9+3"), journal.metrics());
        }

        @Test
        void theProviderGetsTheStreamRequestAndItsContext() {
            streamWith((request, context, sink) -> helloStream(sink, context));
            assertTrue(openai.requests.getFirst().stream());
            assertEquals(List.of(new CallContext(MINI, PARAMS_CONTEXT)), openai.contexts);
        }
    }

    @Nested
    class Models {

        @Test
        void listsAllowedCatalogModelsInAllowListOrderWithAvailability() {
            assertEquals(new ModelListing("gpt-4.1-mini", List.of(
                    new ModelListing.Listed(MINI, true),
                    new ModelListing.Listed(GPT5_MINI, true),
                    new ModelListing.Listed(HAIKU, false))), service.models());
        }

        @Test
        void availabilityFollowsTheProviderNow() {
            anthropic.availability = Availability.up();
            assertTrue(service.models().models().getLast().available());
        }
    }
}
