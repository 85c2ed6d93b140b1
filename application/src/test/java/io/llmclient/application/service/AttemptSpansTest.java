package io.llmclient.application.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.llmclient.application.registry.ProviderRegistry;
import io.llmclient.application.resilience.ProviderGuards;
import io.llmclient.application.resilience.ResilienceSettings;
import io.llmclient.application.resilience.ResilientCalls;
import io.llmclient.application.resilience.RetryPolicy;
import io.llmclient.application.resilience.Sleeper;
import io.llmclient.application.telemetry.AttemptSpan;
import io.llmclient.application.telemetry.TracingPort;
import io.llmclient.application.testing.FakeProvider;
import io.llmclient.domain.catalog.ModelCatalog;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.failure.LlmFailure.ProviderFailed;
import io.llmclient.domain.failure.LlmFailure.RateLimited;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.governance.AllowList;
import io.llmclient.domain.selection.ModelPolicy;
import io.llmclient.domain.stream.StreamEvent;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What the service reports to the tracing port (contract sections 13 and 14): one attempt span per
 * upstream attempt, in order, each retry and fallback its own; {@code error.type} on every attempt
 * that did not give the answer (a retried 429 included); the answer's usage and cost on the one that
 * did; the attempt's trace headers handed to the provider; streams ended as they end.
 */
class AttemptSpansTest {
    private static final ModelEntry MINI = ModelEntry.of("gpt-4.1-mini", ProviderId.OPENAI, ModelTier.FAST);
    private static final ModelEntry HAIKU = ModelEntry.of("claude-3-5-haiku-20241022", ProviderId.ANTHROPIC,
            ModelTier.FAST);
    private static final A2aContext HEADERS = new A2aContext("h-trace", Optional.of("planner"), Optional.of("s-9"));

    private final Journal journal = new Journal();
    private final FakeProvider openai = new FakeProvider(ProviderId.OPENAI);
    private final FakeProvider anthropic = new FakeProvider(ProviderId.ANTHROPIC);
    private final RecordingTracing tracing = new RecordingTracing();
    private final ModelPolicy policy = new ModelPolicy(new ModelCatalog(List.of(MINI, HAIKU)),
            new AllowList(List.of("gpt-4.1-mini", "claude-3-5-haiku-20241022")),
            Map.of(ModelTier.FAST, List.of("gpt-4.1-mini", "claude-3-5-haiku-20241022")), Map.of(),
            List.of(ProviderId.OPENAI, ProviderId.ANTHROPIC), "gpt-4.1-mini");
    // 1 transient retry, 1 rate-limit retry, no waiting.
    private final ResilienceSettings settings = new ResilienceSettings(1, 1, Duration.ZERO, 2.0,
            Duration.ofSeconds(10), 100, 5, Duration.ofSeconds(30));
    private final FakeTime time = new FakeTime();
    private final Sleeper sleeper = time::advance;
    private final ProviderGuards guards = new ProviderGuards(settings, time, sleeper);
    private final ProviderRegistry registry = new ProviderRegistry(List.of(openai.factory(), anthropic.factory()),
            id -> null, guards::availability);
    private final LlmService service = LlmService.builder().policy(policy).registry(registry).metrics(journal)
            .audit(journal).requestLog(journal).time(time).tracing(tracing)
            .calls(new ResilientCalls(new RetryPolicy(settings, () -> 0.0), policy, registry, guards, journal, sleeper))
            .build();

    private static Map<String, Object> params(Object... keysAndValues) {
        var params = new java.util.LinkedHashMap<String, Object>();
        params.put("messages", List.of(Map.of("role", "user", "content", "Hello")));
        for (int i = 0; i < keysAndValues.length; i += 2) {
            params.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return params;
    }

    @Test
    void anAnsweredCallIsOneAttemptEndedWithItsAnswer() {
        service.complete(params("model", "gpt-4.1-mini"), HEADERS);
        assertEquals(List.of("start 1 gpt-4.1-mini", "answered 1 gpt-4.1-mini 9+3"), tracing.events);
    }

    @Test
    void theProviderIsGivenTheAttemptsTraceHeaders() {
        service.complete(params("model", "gpt-4.1-mini"), HEADERS);
        assertEquals(Map.of("traceparent", "tp-1"), openai.lastContext().traceHeaders());
    }

    @Test
    void aRetried429IsAnAttemptOfItsOwnWithItsErrorTypeAndTheRetryAnother() {
        var calls = new AtomicInteger();
        openai.behaviour = (request, context, sink) -> {
            if (calls.getAndIncrement() == 0) {
                throw new LlmFailureException(new RateLimited(ProviderId.OPENAI, Optional.empty()));
            }
            return FakeProvider.response(context, "Hi!");
        };
        service.complete(params("model", "gpt-4.1-mini"), HEADERS);
        assertEquals(List.of("start 1 gpt-4.1-mini", "failed 1 RateLimitedError", "start 2 gpt-4.1-mini",
                "answered 2 gpt-4.1-mini 9+3"), tracing.events);
        assertEquals(List.of(Map.of("traceparent", "tp-1"), Map.of("traceparent", "tp-2")),
                openai.contexts.stream().map(context -> context.traceHeaders()).toList());
    }

    @Test
    void aFallbackAfterRetriesIsOneAttemptPerTryInOrder() {
        openai.behaviour = (request, context, sink) -> {
            throw new LlmFailureException(new ProviderFailed(ProviderId.OPENAI, OptionalInt.of(503), "down"));
        };
        service.complete(params("tier", "fast"), HEADERS);
        assertEquals(List.of("start 1 gpt-4.1-mini", "failed 1 ProviderError", "start 2 gpt-4.1-mini",
                "failed 2 ProviderError", "start 3 claude-3-5-haiku-20241022",
                "answered 3 claude-3-5-haiku-20241022 9+3"), tracing.events);
    }

    @Test
    void aCallThatFailsForGoodEndsItsLastAttemptWithTheFailure() {
        openai.behaviour = (request, context, sink) -> {
            throw new LlmFailureException(new ProviderFailed(ProviderId.OPENAI, OptionalInt.of(400), "bad", false));
        };
        assertThrows(LlmFailureException.class, () -> service.complete(params("model", "gpt-4.1-mini"), HEADERS));
        assertEquals(List.of("start 1 gpt-4.1-mini", "failed 1 ProviderError"), tracing.events);
    }

    @Test
    void theRequestIsIdentifiedWithItsCallersContextEvenWhenRefused() {
        service.complete(params("model", "gpt-4.1-mini", "trace_id", "caller-own"), HEADERS);
        assertThrows(LlmFailureException.class, () -> service.complete(params("model", "no-such-model"), HEADERS));
        assertEquals(List.of("caller-own planner s-9 anonymous", "h-trace planner s-9 anonymous"), tracing.identified);
    }

    @Test
    void aStreamEndsItsAttemptWithTheAnswerWhenTheStreamEnds() {
        openai.behaviour = (request, context, sink) -> {
            sink.accept(new StreamEvent.Delta("Hi"));
            sink.accept(new StreamEvent.Completed(FakeProvider.response(context, "Hi")));
            return null;
        };
        var received = new CopyOnWriteArrayList<StreamEvent>();
        service.stream(service.prepare(params("model", "gpt-4.1-mini", "stream", true), HEADERS), received::add);
        assertEquals(List.of("start 1 gpt-4.1-mini", "answered 1 gpt-4.1-mini 9+3"), tracing.events);
    }

    @Test
    void aStreamWhoseCallerLeftEndsItsAttemptAsCancelled() {
        openai.behaviour = (request, context, sink) -> {
            sink.accept(new StreamEvent.Delta("Hi"));
            sink.accept(new StreamEvent.Delta(" there"));
            return null;
        };
        var delivered = new AtomicInteger();
        assertThrows(UncheckedIOException.class, () -> service.stream(
                service.prepare(params("model", "gpt-4.1-mini", "stream", true), HEADERS), event -> {
                    if (delivered.incrementAndGet() > 1) {
                        throw new UncheckedIOException(new java.io.IOException("client gone"));
                    }
                }));
        assertEquals(List.of("start 1 gpt-4.1-mini", "failed 1 ClientCancelled"), tracing.events);
    }

    @Test
    void aStreamFailingAfterItsFirstDeltaEndsItsAttemptWithTheFailureOnce() {
        openai.behaviour = (request, context, sink) -> {
            sink.accept(new StreamEvent.Delta("Hi"));
            throw new LlmFailureException(new ProviderFailed(ProviderId.OPENAI, OptionalInt.of(500), "cut"));
        };
        var received = new CopyOnWriteArrayList<StreamEvent>();
        service.stream(service.prepare(params("model", "gpt-4.1-mini", "stream", true), HEADERS), received::add);
        assertEquals(List.of("start 1 gpt-4.1-mini", "failed 1 ProviderError"), tracing.events);
    }

    @Test
    void tracingOffHandsProvidersNoTraceHeader() {
        assertEquals(Map.of(), TracingPort.none().attemptStarted(MINI, ChatRequestsForTest.any()).headers());
        TracingPort.none().requestIdentified(HEADERS);
        AttemptSpan.none().failed("x");
        AttemptSpan.none().answered(null);
        assertEquals("task", assertDoesNotThrow(TracingPort.none().carried(() -> "task")));
    }

    private static <T> T assertDoesNotThrow(java.util.concurrent.Callable<T> task) {
        try {
            return task.call();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A request of no interest beyond its existence. */
    private static final class ChatRequestsForTest {
        static ChatRequest any() {
            return ChatRequest.of("gpt-4.1-mini", List.of(new io.llmclient.domain.chat.Message(io.llmclient.domain.chat.Role.USER, "x")),
                    A2aContext.ofTrace("t"));
        }
    }

    /** Records the port's calls as lines; attempt n gets the header {@code traceparent: tp-n}. */
    private static final class RecordingTracing implements TracingPort {
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<String> identified = new CopyOnWriteArrayList<>();
        private final AtomicInteger attempts = new AtomicInteger();

        @Override
        public void requestIdentified(A2aContext context) {
            identified.add(context.traceId() + " " + context.sourceAgent().orElse("-") + " "
                    + context.sessionId().orElse("-") + " " + context.principal());
        }

        @Override
        public AttemptSpan attemptStarted(ModelEntry model, ChatRequest request) {
            int n = attempts.incrementAndGet();
            events.add("start " + n + " " + model.id());
            return new AttemptSpan() {
                @Override
                public Map<String, String> headers() {
                    return Map.of("traceparent", "tp-" + n);
                }

                @Override
                public void answered(ChatResponse response) {
                    events.add("answered " + n + " " + response.model() + " " + response.usage().promptTokens() + "+"
                            + response.usage().completionTokens());
                }

                @Override
                public void failed(String errorType) {
                    events.add("failed " + n + " " + errorType);
                }
            };
        }
    }
}
