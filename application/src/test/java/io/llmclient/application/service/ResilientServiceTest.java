package io.llmclient.application.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.application.provider.Availability;
import io.llmclient.application.provider.StreamSink;
import io.llmclient.application.registry.ProviderRegistry;
import io.llmclient.application.resilience.ProviderGuards;
import io.llmclient.application.resilience.ResilienceSettings;
import io.llmclient.application.resilience.ResilientCalls;
import io.llmclient.application.resilience.RetryPolicy;
import io.llmclient.application.resilience.Sleeper;
import io.llmclient.application.testing.FakeProvider;
import io.llmclient.domain.catalog.ModelCatalog;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.failure.LlmFailure.Overloaded;
import io.llmclient.domain.failure.LlmFailure.ProviderFailed;
import io.llmclient.domain.failure.LlmFailure.ProviderTimedOut;
import io.llmclient.domain.failure.LlmFailure.ProviderUnavailable;
import io.llmclient.domain.failure.LlmFailure.RateLimited;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.governance.AllowList;
import io.llmclient.domain.selection.ModelPolicy;
import io.llmclient.domain.stream.StreamEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** LlmService with resilience on: retries, waits, the circuit and fallback, on fake providers and a fake clock. */
class ResilientServiceTest {
    private static final ModelEntry MINI = ModelEntry.of("gpt-4.1-mini", ProviderId.OPENAI, ModelTier.FAST);
    private static final ModelEntry HAIKU = ModelEntry.of("claude-3-5-haiku-20241022", ProviderId.ANTHROPIC,
            ModelTier.FAST);
    private static final A2aContext HEADERS = A2aContext.ofTrace("h-trace");
    private static final ProviderFailed UNAVAILABLE_503 = new ProviderFailed(ProviderId.OPENAI, OptionalInt.of(503),
            "Service Unavailable");

    private final FakeTime time = new FakeTime();
    private final List<Duration> sleeps = new ArrayList<>();
    /** Runs once, inside the next sleep, before the clock moves: another caller arriving meanwhile. */
    private Runnable duringNextSleep = () -> { };
    private final Sleeper sleeper = duration -> {
        sleeps.add(duration);
        Runnable during = duringNextSleep;
        duringNextSleep = () -> { };
        during.run();
        time.advance(duration);
    };
    private final Journal journal = new Journal();
    private final FakeProvider openai = new FakeProvider(ProviderId.OPENAI, journal::add);
    private final FakeProvider anthropic = new FakeProvider(ProviderId.ANTHROPIC, journal::add);
    private final ModelPolicy policy = new ModelPolicy(new ModelCatalog(List.of(MINI, HAIKU)),
            new AllowList(List.of("gpt-4.1-mini", "claude-3-5-haiku-20241022")),
            Map.of(ModelTier.FAST, List.of("gpt-4.1-mini", "claude-3-5-haiku-20241022")), Map.of(),
            List.of(ProviderId.OPENAI, ProviderId.ANTHROPIC), "gpt-4.1-mini");
    // 2 transient retries, 3 rate-limit retries, 1 s initial, base 2, cap 10 s; a circuit of 2 failures, open 30 s.
    private final ResilienceSettings settings = new ResilienceSettings(2, 3, Duration.ofSeconds(1), 2.0,
            Duration.ofSeconds(10), 100, 2, Duration.ofSeconds(30));
    private final ProviderGuards guards = new ProviderGuards(settings, time, sleeper);
    private final ProviderRegistry registry = new ProviderRegistry(List.of(openai.factory(), anthropic.factory()),
            id -> null, guards::availability);
    // The random source always draws 0: equal jitter then waits exactly half the back-off.
    private final LlmService service = LlmService.builder().policy(policy).registry(registry).metrics(journal)
            .audit(journal).requestLog(journal).time(time)
            .calls(new ResilientCalls(new RetryPolicy(settings, () -> 0.0), policy, registry, guards, journal, sleeper))
            .build();

    private static Map<String, Object> params(Object... keysAndValues) {
        var params = new LinkedHashMap<String, Object>();
        params.put("messages", List.of(Map.of("role", "user", "content", "Hello")));
        for (int i = 0; i < keysAndValues.length; i += 2) {
            params.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return params;
    }

    private static Map<String, Object> explicit() {
        return params("model", "gpt-4.1-mini");
    }

    /** Fails with the given failures in turn, then answers. */
    private static FakeProvider.Behaviour failing(LlmFailure... failures) {
        var calls = new AtomicInteger();
        return (request, context, sink) -> {
            int call = calls.getAndIncrement();
            if (call < failures.length) {
                throw new LlmFailureException(failures[call]);
            }
            return FakeProvider.response(context, "Hi!");
        };
    }

    private LlmFailure failureOf(Map<String, Object> params) {
        return assertThrows(LlmFailureException.class, () -> service.complete(params, HEADERS)).failure();
    }

    @Nested
    class Retries {

        @Test
        void transientFailuresAreRetriedAfterTheExactBackOffAndThenSucceed() {
            openai.behaviour = failing(UNAVAILABLE_503, new ProviderTimedOut(ProviderId.OPENAI, Duration.ofSeconds(60)));
            assertEquals("Hi!", service.complete(explicit(), HEADERS).content());
            assertEquals(List.of(Duration.ofMillis(500), Duration.ofSeconds(1)), sleeps);
            assertEquals(3, openai.requests.size());
        }

        @Test
        void eachRetryIsCountedWithItsReason() {
            openai.behaviour = failing(UNAVAILABLE_503, new ProviderTimedOut(ProviderId.OPENAI, Duration.ofSeconds(60)));
            service.complete(explicit(), HEADERS);
            assertEquals(List.of("metrics.started gpt-4.1-mini", "metrics.retried openai server_error",
                    "metrics.retried openai timeout", "metrics.succeeded gpt-4.1-mini 1500ms 9+3"), journal.metrics());
        }

        @Test
        void afterMaxRetriesTheLastFailureIsReturned() {
            openai.behaviour = failing(UNAVAILABLE_503, UNAVAILABLE_503, UNAVAILABLE_503);
            assertEquals(UNAVAILABLE_503, failureOf(explicit()));
            assertEquals(3, openai.requests.size());
        }

        @Test
        void aRefusalOfTheRequestIsNotRetried() {
            var unauthorized = new ProviderFailed(ProviderId.OPENAI, OptionalInt.of(401), "invalid_api_key");
            openai.behaviour = failing(unauthorized);
            assertEquals(unauthorized, failureOf(explicit()));
            assertEquals(1, openai.requests.size());
            assertEquals(List.of(), sleeps);
        }

        @Test
        void rateLimitsWaitTheProvidersHintsExactly() {
            openai.behaviour = failing(new RateLimited(ProviderId.OPENAI, Optional.of(Duration.ofSeconds(2))),
                    new RateLimited(ProviderId.OPENAI, Optional.of(Duration.ofMillis(700))));
            service.complete(explicit(), HEADERS);
            assertEquals(List.of(Duration.ofSeconds(2), Duration.ofMillis(700)), sleeps);
        }

        @Test
        void rateLimitsMoveTheirThreeSeries() {
            openai.behaviour = failing(new RateLimited(ProviderId.OPENAI, Optional.of(Duration.ofSeconds(2))));
            service.complete(explicit(), HEADERS);
            assertEquals(List.of("metrics.started gpt-4.1-mini", "metrics.rateLimited openai",
                    "metrics.rateLimitRetryDelay openai 2000ms", "metrics.retried openai rate_limit",
                    "metrics.succeeded gpt-4.1-mini 2000ms 9+3"), journal.metrics());
        }

        @Test
        void aHintAboveTheMaximumDelayIsReturnedAtOnceWithItsWait() {
            var tooLong = new RateLimited(ProviderId.OPENAI, Optional.of(Duration.ofSeconds(11)));
            openai.behaviour = failing(tooLong);
            assertEquals(tooLong, failureOf(explicit()));
            assertEquals(List.of(), sleeps);
            assertEquals(1, openai.requests.size());
        }

        @Test
        void aCallerArrivingDuringAHoldWaitsTheRestOfItInTheQueue() {
            var answers = new AtomicInteger();
            openai.behaviour = (request, context, sink) -> {
                if (answers.getAndIncrement() == 0) {
                    throw new LlmFailureException(new RateLimited(ProviderId.OPENAI, Optional.of(Duration.ofSeconds(4))));
                }
                return FakeProvider.response(context, "answer " + answers.get());
            };
            var second = new ArrayList<String>();
            duringNextSleep = () -> {
                time.advance(Duration.ofSeconds(1));
                second.add(service.complete(explicit(), HEADERS).content());
            };
            assertEquals("answer 3", service.complete(explicit(), HEADERS).content());
            assertEquals(List.of("answer 2"), second);
            assertEquals(List.of(Duration.ofSeconds(4), Duration.ofSeconds(3)), sleeps,
                    "the limited caller slept its 4 s; the one arriving 1 s later waited the 3 s left");
        }
    }

    @Nested
    class Streams {

        private final List<StreamEvent> received = new ArrayList<>();

        private void stream(Map<String, Object> params) {
            service.stream(service.prepare(params, HEADERS), received::add);
        }

        @Test
        void aStreamFailingBeforeItsFirstDeltaIsRetried() {
            var calls = new AtomicInteger();
            openai.behaviour = (request, context, sink) -> {
                if (calls.getAndIncrement() == 0) {
                    throw new LlmFailureException(UNAVAILABLE_503);
                }
                ChatResponse response = FakeProvider.response(context, "Hi!");
                sink.accept(new StreamEvent.Delta("Hi!"));
                sink.accept(new StreamEvent.Completed(response));
                return response;
            };
            stream(explicit());
            assertEquals(2, openai.requests.size());
            assertEquals(new StreamEvent.Delta("Hi!"), received.getFirst());
            assertInstanceOf(StreamEvent.Completed.class, received.getLast());
        }

        @Test
        void aStreamFailingAfterItsFirstDeltaIsNeverRetried() {
            openai.behaviour = (request, context, sink) -> {
                sink.accept(new StreamEvent.Delta("Hel"));
                throw new LlmFailureException(UNAVAILABLE_503);
            };
            stream(params("tier", "fast"));
            assertEquals(1, openai.requests.size());
            assertEquals(0, anthropic.requests.size(), "nor sent to another model");
            assertEquals(List.of(new StreamEvent.Delta("Hel"), new StreamEvent.Failed(UNAVAILABLE_503)), received);
        }

        /** A consumer that opens its own response when the provider says the stream was accepted. */
        private final class OpeningSink implements StreamSink {
            int openings;

            @Override
            public boolean opened() {
                openings++;
                return true;
            }

            @Override
            public void accept(StreamEvent event) {
                received.add(event);
            }
        }

        @Test
        void anOpeningTheConsumerPassedOnCommitsTheStreamSoALaterFailureIsAnEventNotARetry() {
            openai.behaviour = (request, context, sink) -> {
                sink.opened();
                throw new LlmFailureException(UNAVAILABLE_503);
            };
            var sink = new OpeningSink();
            service.stream(service.prepare(params("tier", "fast"), HEADERS), sink);
            assertEquals(1, sink.openings);
            assertEquals(1, openai.requests.size(), "not retried");
            assertEquals(0, anthropic.requests.size(), "nor sent to another model");
            assertEquals(List.of(new StreamEvent.Failed(UNAVAILABLE_503)), received);
        }

        @Test
        void anOpeningTheConsumerIgnoresLeavesTheStreamRetryableUntilItsFirstDelta() {
            var calls = new AtomicInteger();
            openai.behaviour = (request, context, sink) -> {
                assertFalse(sink.opened(), "the default consumer does not pass the opening on");
                if (calls.getAndIncrement() == 0) {
                    throw new LlmFailureException(UNAVAILABLE_503);
                }
                ChatResponse response = FakeProvider.response(context, "Hi!");
                sink.accept(new StreamEvent.Delta("Hi!"));
                sink.accept(new StreamEvent.Completed(response));
                return response;
            };
            stream(explicit());
            assertEquals(2, openai.requests.size(), "retried: nothing had reached the caller");
            assertEquals(new StreamEvent.Delta("Hi!"), received.getFirst());
        }

        @Test
        void anOpeningIsPassedOnOnceAndNotAfterTheFirstDelta() {
            openai.behaviour = (request, context, sink) -> {
                ChatResponse response = FakeProvider.response(context, "Hi!");
                assertTrue(sink.opened());
                assertTrue(sink.opened(), "a second opening answers as the first");
                sink.accept(new StreamEvent.Delta("Hi!"));
                sink.accept(new StreamEvent.Completed(response));
                return response;
            };
            var sink = new OpeningSink();
            service.stream(service.prepare(explicit(), HEADERS), sink);
            assertEquals(1, sink.openings);
            assertEquals(new StreamEvent.Delta("Hi!"), received.getFirst());
            assertInstanceOf(StreamEvent.Completed.class, received.getLast());
        }

        @Test
        void aStreamFallsBackBeforeItsFirstDeltaAndReportsTheModelThatServedIt() {
            openai.behaviour = failing(UNAVAILABLE_503, UNAVAILABLE_503, UNAVAILABLE_503);
            anthropic.behaviour = (request, context, sink) -> {
                ChatResponse response = FakeProvider.response(context, "Hi!");
                sink.accept(new StreamEvent.Delta("Hi!"));
                sink.accept(new StreamEvent.Completed(response));
                return response;
            };
            stream(params("tier", "fast"));
            var done = assertInstanceOf(StreamEvent.Completed.class, received.getLast());
            assertEquals("claude-3-5-haiku-20241022", done.response().model());
            assertTrue(journal.metrics().contains("metrics.firstToken claude-3-5-haiku-20241022 1500ms"),
                    journal.metrics().toString());
        }
    }

    @Nested
    class Circuit {

        private void failTwice() {
            openai.behaviour = failing(UNAVAILABLE_503, UNAVAILABLE_503, UNAVAILABLE_503, UNAVAILABLE_503,
                    UNAVAILABLE_503, UNAVAILABLE_503);
            failureOf(explicit());
            failureOf(explicit());
        }

        @Test
        void consecutiveFailedCallsOpenTheCircuitAndTheProviderIsReportedUnavailable() {
            failTwice();
            Availability availability = registry.availability(ProviderId.OPENAI);
            assertFalse(availability.available());
            assertTrue(availability.reason().startsWith("circuit open"), availability.reason());
            assertFalse(service.models().models().getFirst().available());
        }

        @Test
        void anExplicitModelOfAnOpenCircuitFailsFastWithoutReachingTheProvider() {
            failTwice();
            int before = openai.requests.size();
            var failure = assertInstanceOf(ProviderUnavailable.class, failureOf(explicit()));
            assertEquals(Optional.of("gpt-4.1-mini"), failure.model());
            assertEquals(before, openai.requests.size());
            List<String> metrics = journal.metrics();
            assertEquals(List.of("metrics.started gpt-4.1-mini", "metrics.failed gpt-4.1-mini 0ms ProviderUnavailableError"),
                    metrics.subList(metrics.size() - 2, metrics.size()), "counted as an error of the model it names");
        }

        @Test
        void afterTheOpenTimeOneProbeGoesThroughAndItsSuccessClosesTheCircuit() {
            failTwice();
            time.advance(Duration.ofSeconds(30));
            openai.behaviour = failing();
            assertEquals("Hi!", service.complete(explicit(), HEADERS).content());
            assertEquals(Availability.up(), registry.availability(ProviderId.OPENAI));
        }

        @Test
        void aFailedProbeKeepsTheCircuitOpen() {
            failTwice();
            time.advance(Duration.ofSeconds(30));
            openai.behaviour = failing(UNAVAILABLE_503, UNAVAILABLE_503, UNAVAILABLE_503);
            assertEquals(UNAVAILABLE_503, failureOf(explicit()));
            assertFalse(registry.available(ProviderId.OPENAI));
        }

        @Test
        void rateLimitsDoNotOpenTheCircuit() {
            var limited = new RateLimited(ProviderId.OPENAI, Optional.of(Duration.ofSeconds(60)));
            openai.behaviour = failing(limited, limited, limited);
            failureOf(explicit());
            failureOf(explicit());
            failureOf(explicit());
            assertTrue(registry.available(ProviderId.OPENAI));
        }
    }

    @Nested
    class Fallback {

        @Test
        void aTierRequestWhoseProviderFailsAfterRetriesIsServedByTheNextModelOfTheTier() {
            openai.behaviour = failing(UNAVAILABLE_503, UNAVAILABLE_503, UNAVAILABLE_503);
            ChatResponse response = service.complete(params("tier", "fast"), HEADERS);
            assertEquals("claude-3-5-haiku-20241022", response.model());
            assertEquals(ProviderId.ANTHROPIC, response.provider());
            assertEquals(3, openai.requests.size());
        }

        @Test
        void theFallbackIsCountedAsAFailedCallOfTheFirstModelAndLoggedWithItsReason() {
            openai.behaviour = failing(UNAVAILABLE_503, UNAVAILABLE_503, UNAVAILABLE_503);
            service.complete(params("tier", "fast"), HEADERS);
            assertEquals(List.of("metrics.started gpt-4.1-mini", "metrics.retried openai server_error",
                    "metrics.retried openai server_error", "metrics.failed gpt-4.1-mini 1500ms ProviderError",
                    "metrics.started claude-3-5-haiku-20241022",
                    "metrics.succeeded claude-3-5-haiku-20241022 1500ms 9+3"), journal.metrics());
            assertTrue(journal.entries.contains("log.selection h-trace: fallback: gpt-4.1-mini (provider openai) "
                    + "failed with ProviderError (" + UNAVAILABLE_503.message() + ") -> claude-3-5-haiku-20241022 "
                    + "(provider anthropic)"), journal.entries.toString());
            assertEquals(Optional.of("claude-3-5-haiku-20241022"), journal.records.getLast().model());
        }

        @Test
        void theDefaultModelFallsBackToo() {
            openai.behaviour = failing(UNAVAILABLE_503, UNAVAILABLE_503, UNAVAILABLE_503);
            assertEquals("claude-3-5-haiku-20241022", service.complete(params(), HEADERS).model());
        }

        @Test
        void anExplicitModelIsNeverSwapped() {
            openai.behaviour = failing(UNAVAILABLE_503, UNAVAILABLE_503, UNAVAILABLE_503);
            assertEquals(UNAVAILABLE_503, failureOf(explicit()));
            assertEquals(0, anthropic.requests.size());
        }

        @Test
        void anUnavailableFallbackIsSkippedAndTheFailureStands() {
            anthropic.availability = Availability.down("no API key");
            openai.behaviour = failing(UNAVAILABLE_503, UNAVAILABLE_503, UNAVAILABLE_503);
            assertEquals(UNAVAILABLE_503, failureOf(params("tier", "fast")));
            assertEquals(0, anthropic.requests.size());
        }

        @Test
        void whenEveryModelFailsTheLastFailureIsReturned() {
            openai.behaviour = failing(UNAVAILABLE_503, UNAVAILABLE_503, UNAVAILABLE_503);
            var anthropicDown = new ProviderFailed(ProviderId.ANTHROPIC, OptionalInt.of(529), "overloaded_error");
            anthropic.behaviour = failing(anthropicDown, anthropicDown, anthropicDown);
            assertEquals(anthropicDown, failureOf(params("tier", "fast")));
        }

        @Test
        void aTierWhoseFirstProvidersCircuitIsOpenIsServedByTheNextWithoutTryingIt() {
            openai.behaviour = failing(UNAVAILABLE_503, UNAVAILABLE_503, UNAVAILABLE_503, UNAVAILABLE_503,
                    UNAVAILABLE_503, UNAVAILABLE_503);
            failureOf(explicit());
            failureOf(explicit());
            int before = openai.requests.size();
            assertEquals("claude-3-5-haiku-20241022", service.complete(params("tier", "fast"), HEADERS).model());
            assertEquals(before, openai.requests.size());
        }
    }

    @Nested
    class FullResponseBuffer {
        private final Overloaded full = new Overloaded(ProviderId.OPENAI, new Overloaded.ResponseBuffer(8192));

        @Test
        void anAnswerThatDidNotFitIsNotRetried() {
            openai.behaviour = failing(full, full, full);
            assertEquals(full, failureOf(explicit()));
            assertEquals(1, openai.requests.size());
            assertEquals(List.of(), sleeps);
        }

        @Test
        void moreRefusalsThanTheCircuitThresholdLeaveItClosed() {
            openai.behaviour = (request, context, sink) -> {
                throw new LlmFailureException(full);
            };
            for (int i = 0; i < settings.circuitFailureThreshold() + 2; i++) {
                assertEquals(full, failureOf(explicit()));
            }
            assertEquals(Availability.up(), registry.availability(ProviderId.OPENAI));
        }

        @Test
        void aTierRequestDoesNotFallBackToAnotherProviderForTheSameBudget() {
            openai.behaviour = failing(full);
            assertEquals(full, failureOf(params("tier", "fast")));
            assertEquals(0, anthropic.requests.size());
        }

        @Test
        void aRefusedProbeGivesItsSlotBackSoTheNextRequestProbesAgain() {
            openCircuit();
            openai.behaviour = failing(full);
            assertEquals(full, failureOf(explicit()));
            assertTrue(registry.available(ProviderId.OPENAI), registry.availability(ProviderId.OPENAI).reason());
            assertEquals("Hi!", service.complete(explicit(), HEADERS).content());
        }
    }

    /** Two failed calls open the circuit (threshold 2); its open time then passes. */
    private void openCircuit() {
        openai.behaviour = failing(UNAVAILABLE_503, UNAVAILABLE_503, UNAVAILABLE_503, UNAVAILABLE_503,
                UNAVAILABLE_503, UNAVAILABLE_503);
        failureOf(explicit());
        failureOf(explicit());
        assertFalse(registry.available(ProviderId.OPENAI));
        time.advance(Duration.ofSeconds(30));
    }

    @Nested
    class Errors {
        private final OutOfMemoryError outOfMemory = new OutOfMemoryError("Java heap space (thrown by the test)");

        private FakeProvider.Behaviour throwing() {
            return (request, context, sink) -> {
                throw outOfMemory;
            };
        }

        @Test
        void anErrorInACompleteIsStillRecordedAsOneFinishedRequest() {
            openai.behaviour = throwing();
            assertEquals(outOfMemory, assertThrows(OutOfMemoryError.class,
                    () -> service.complete(explicit(), HEADERS)));
            assertEquals(List.of("metrics.started gpt-4.1-mini", "metrics.failed gpt-4.1-mini 0ms InternalError"),
                    journal.metrics());
            assertEquals(Optional.of("InternalError"), journal.records.getLast().errorType());
        }

        @Test
        void anErrorInAStreamIsStillRecordedAsOneFinishedRequest() {
            openai.behaviour = throwing();
            var prepared = service.prepare(explicit(), HEADERS);
            assertEquals(outOfMemory, assertThrows(OutOfMemoryError.class,
                    () -> service.stream(prepared, event -> { })));
            assertEquals(List.of("metrics.started gpt-4.1-mini", "metrics.failed gpt-4.1-mini 0ms InternalError"),
                    journal.metrics());
            assertEquals("stream", journal.records.getLast().operation());
        }

        @Test
        void anErrorInAProbeGivesItsSlotBack() {
            openCircuit();
            openai.behaviour = throwing();
            assertThrows(OutOfMemoryError.class, () -> service.complete(explicit(), HEADERS));
            assertTrue(registry.available(ProviderId.OPENAI), registry.availability(ProviderId.OPENAI).reason());
        }
    }

    @Test
    void aFullRateLimitQueueRefusesWithOverloadedAndATierFallsBack() {
        var noQueue = new ResilienceSettings(0, 1, Duration.ZERO, 2.0, Duration.ofSeconds(10), 0, 2,
                Duration.ofSeconds(30));
        var noQueueGuards = new ProviderGuards(noQueue, time, sleeper);
        var noQueueRegistry = new ProviderRegistry(List.of(openai.factory(), anthropic.factory()), id -> null,
                noQueueGuards::availability);
        var noQueueService = LlmService.builder().policy(policy).registry(noQueueRegistry).metrics(journal)
                .audit(journal).requestLog(journal).time(time)
                .calls(new ResilientCalls(new RetryPolicy(noQueue, () -> 0.0), policy, noQueueRegistry, noQueueGuards,
                        journal, sleeper)).build();
        openai.behaviour = failing(new RateLimited(ProviderId.OPENAI, Optional.of(Duration.ofSeconds(3))));
        var during = new ArrayList<Object>();
        duringNextSleep = () -> {
            during.add(assertThrows(LlmFailureException.class,
                    () -> noQueueService.complete(explicit(), HEADERS)).failure());
            during.add(noQueueService.complete(params("tier", "fast"), HEADERS).model());
        };
        assertEquals("gpt-4.1-mini", noQueueService.complete(explicit(), HEADERS).model());
        assertEquals(List.of(new Overloaded(ProviderId.OPENAI, 0), "claude-3-5-haiku-20241022"), during);
    }

    /** A caller that went away interrupts its call's thread (decision 22): the call ends, and nothing more is tried. */
    @Nested
    class CancelledByTheCaller {

        /** What {@code WholeCallDeadline} does when someone else interrupts the provider wait. */
        private FakeProvider.Behaviour cancelledInTheProvider() {
            return (request, context, sink) -> {
                Thread.currentThread().interrupt();
                throw new CancellationException("call cancelled by the caller");
            };
        }

        private CancellationException cancelled(LlmService on, Map<String, Object> params) {
            try {
                return assertThrows(CancellationException.class, () -> on.complete(params, HEADERS));
            } finally {
                assertTrue(Thread.interrupted(), "the interrupt is kept for whoever interrupted");
            }
        }

        @Test
        void aCallCancelledInTheProviderIsNeitherRetriedNorSentToAnotherModel() {
            openai.behaviour = cancelledInTheProvider();
            cancelled(service, params("tier", "fast"));
            assertEquals(1, openai.requests.size());
            assertEquals(0, anthropic.requests.size());
            assertEquals(List.of(), sleeps);
        }

        @Test
        void aCancelledCompleteIsRecordedAsClientCancelled() {
            openai.behaviour = cancelledInTheProvider();
            cancelled(service, explicit());
            assertEquals(List.of("metrics.started gpt-4.1-mini", "metrics.failed gpt-4.1-mini 0ms ClientCancelled"),
                    journal.metrics());
            assertEquals("complete", journal.records.getLast().operation());
            assertEquals(Optional.of("ClientCancelled"), journal.records.getLast().errorType());
        }

        @Test
        void aStreamWhoseProviderWaitIsCancelledIsRecordedAsClientCancelled() {
            openai.behaviour = cancelledInTheProvider();
            var prepared = service.prepare(explicit(), HEADERS);
            try {
                assertThrows(CancellationException.class, () -> service.stream(prepared, event -> { }));
            } finally {
                assertTrue(Thread.interrupted());
            }
            assertEquals(List.of("metrics.started gpt-4.1-mini", "metrics.failed gpt-4.1-mini 0ms ClientCancelled"),
                    journal.metrics());
            assertEquals("stream", journal.records.getLast().operation());
        }

        @Test
        void cancelledCallsDoNotOpenTheCircuit() {
            openai.behaviour = cancelledInTheProvider();
            for (int i = 0; i < settings.circuitFailureThreshold() + 1; i++) {
                cancelled(service, explicit());
            }
            assertEquals(Availability.up(), registry.availability(ProviderId.OPENAI));
        }

        @Test
        void aProviderFailureSeenByAnInterruptedThreadIsACancellationNotARetry() {
            openai.behaviour = (request, context, sink) -> {
                // A provider naming the interrupted read as a failure of its own.
                Thread.currentThread().interrupt();
                throw new LlmFailureException(UNAVAILABLE_503);
            };
            cancelled(service, params("tier", "fast"));
            assertEquals(1, openai.requests.size());
            assertEquals(0, anthropic.requests.size());
            assertEquals(List.of(), sleeps);
            assertEquals(Optional.of("ClientCancelled"), journal.records.getLast().errorType());
        }

        @Test
        void anInterruptDuringARetryWaitEndsTheCallAsCancelledWithoutFallback() {
            Sleeper interrupted = duration -> {
                throw new InterruptedException();
            };
            var interruptible = LlmService.builder().policy(policy).registry(registry).metrics(journal)
                    .audit(journal).requestLog(journal).time(time)
                    .calls(new ResilientCalls(new RetryPolicy(settings, () -> 0.0), policy, registry, guards, journal,
                            interrupted)).build();
            openai.behaviour = failing(UNAVAILABLE_503);
            var thrown = cancelled(interruptible, params("tier", "fast"));
            assertEquals(UNAVAILABLE_503, assertInstanceOf(LlmFailureException.class, thrown.getCause()).failure());
            assertEquals(1, openai.requests.size());
            assertEquals(0, anthropic.requests.size());
            assertEquals(Optional.of("ClientCancelled"), journal.records.getLast().errorType());
        }

        @Test
        void anInterruptWhileQueuedForARateLimitedProviderEndsTheCallAsCancelled() {
            var sleepsSeen = new AtomicInteger();
            var queueService = new AtomicReference<LlmService>();
            var queued = new ArrayList<Throwable>();
            var cancelledInQueue = new ArrayList<String>();
            // The first sleep is the rate-limited caller's own retry wait; a second caller then queues
            // at the gate, and its wait there is interrupted.
            Sleeper sleeper = duration -> {
                if (sleepsSeen.incrementAndGet() == 2) {
                    throw new InterruptedException();
                }
                if (sleepsSeen.get() == 1) {
                    queued.add(assertThrows(CancellationException.class,
                            () -> queueService.get().complete(explicit(), HEADERS)));
                    cancelledInQueue.add(String.valueOf(Thread.interrupted()));
                }
                time.advance(duration);
            };
            var queueGuards = new ProviderGuards(settings, time, sleeper);
            var queueRegistry = new ProviderRegistry(List.of(openai.factory(), anthropic.factory()), id -> null,
                    queueGuards::availability);
            queueService.set(LlmService.builder().policy(policy).registry(queueRegistry).metrics(journal)
                    .audit(journal).requestLog(journal).time(time)
                    .calls(new ResilientCalls(new RetryPolicy(settings, () -> 0.0), policy, queueRegistry, queueGuards,
                            journal, sleeper)).build());
            openai.behaviour = failing(new RateLimited(ProviderId.OPENAI, Optional.of(Duration.ofSeconds(3))));
            assertEquals("Hi!", queueService.get().complete(explicit(), HEADERS).content());
            assertEquals(1, queued.size());
            assertEquals(List.of("true"), cancelledInQueue);
            assertEquals(2, openai.requests.size(), "the queued caller never reached the provider");
            assertTrue(journal.metrics().contains("metrics.failed gpt-4.1-mini 0ms ClientCancelled"),
                    journal.metrics().toString());
        }
    }
}
