package io.llmclient.telemetry.otel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.application.telemetry.AttemptSpan;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.Message;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Role;
import io.llmclient.domain.money.NanoUsd;
import io.llmclient.domain.testing.ChatResponses;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The CLIENT span of each attempt and the SERVER span's request facts (contract sections 13, 14), in memory. */
class OtelTracingTest {
    private static final ModelEntry GEMINI = new ModelEntry("gemini-1.5-flash", ProviderId.GEMINI, ModelTier.FAST,
            "gemini-1.5-flash-002");
    private static final A2aContext CONTEXT = new A2aContext("caller-trace", Optional.of("planner"),
            Optional.of("session-9"), "key-ops");

    private final InMemorySpanExporter exported = InMemorySpanExporter.create();
    private final SdkTracerProvider provider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(exported)).build();

    @AfterEach
    void shutdown() {
        provider.close();
    }

    private OtelTracing tracing(boolean captureContent) {
        return new OtelTracing(provider.get("test"), W3CTraceContextPropagator.getInstance(), captureContent);
    }

    private static ChatRequest request(String prompt) {
        return ChatRequest.of("gemini-1.5-flash", List.of(new Message(Role.USER, prompt)), CONTEXT);
    }

    private SpanData only() {
        List<SpanData> spans = exported.getFinishedSpanItems();
        assertEquals(1, spans.size(), spans::toString);
        return spans.getFirst();
    }

    @Test
    void anAttemptIsAClientSpanNamedChatModelWithTheGenAiRequestAttributes() {
        tracing(false).attemptStarted(GEMINI, request("Hi")).failed("ProviderError");
        SpanData span = only();
        assertEquals("chat gemini-1.5-flash", span.getName());
        assertEquals(SpanKind.CLIENT, span.getKind());
        assertEquals("chat", span.getAttributes().get(GenAi.OPERATION));
        assertEquals("gcp.gemini", span.getAttributes().get(GenAi.PROVIDER));
        assertEquals("gemini-1.5-flash", span.getAttributes().get(GenAi.REQUEST_MODEL));
        assertEquals("session-9", span.getAttributes().get(GenAi.CONVERSATION));
        assertEquals("planner", span.getAttributes().get(GenAi.SOURCE_AGENT));
        assertEquals("key-ops", span.getAttributes().get(GenAi.PRINCIPAL));
    }

    @Test
    void theAnsweringAttemptCarriesUsageFinishReasonUpstreamModelAndCost() {
        AttemptSpan attempt = tracing(false).attemptStarted(GEMINI, request("Hi"));
        attempt.answered(ChatResponses.builder().model(GEMINI).usage(12, 5).finishReason(FinishReason.LENGTH)
                .build().withCost(Optional.of(new NanoUsd(1_250_000))));
        SpanData span = only();
        assertEquals("gemini-1.5-flash-002", span.getAttributes().get(GenAi.RESPONSE_MODEL));
        assertEquals(12L, span.getAttributes().get(GenAi.INPUT_TOKENS));
        assertEquals(5L, span.getAttributes().get(GenAi.OUTPUT_TOKENS));
        assertEquals(List.of("length"), span.getAttributes().get(GenAi.FINISH_REASONS));
        assertEquals(0.00125, span.getAttributes().get(GenAi.COST_USD), 1e-12);
        assertNull(span.getAttributes().get(GenAi.ERROR_TYPE));
        assertEquals(StatusCode.UNSET, span.getStatus().getStatusCode());
    }

    @Test
    void aFailedAttemptCarriesItsErrorTypeAndAnErrorStatus() {
        tracing(false).attemptStarted(GEMINI, request("Hi")).failed("RateLimitedError");
        SpanData span = only();
        assertEquals("RateLimitedError", span.getAttributes().get(GenAi.ERROR_TYPE));
        assertEquals(StatusCode.ERROR, span.getStatus().getStatusCode());
    }

    @Test
    void anAttemptEndsOnceWhateverIsSaidAfter() {
        AttemptSpan attempt = tracing(false).attemptStarted(GEMINI, request("Hi"));
        attempt.failed("ProviderError");
        attempt.failed("ClientCancelled");
        attempt.answered(ChatResponses.builder().model(GEMINI).build());
        assertEquals("ProviderError", only().getAttributes().get(GenAi.ERROR_TYPE));
    }

    @Test
    void theUpstreamHeadersAreTheClientSpansOwnTraceparent() {
        AttemptSpan attempt = tracing(false).attemptStarted(GEMINI, request("Hi"));
        attempt.failed("ProviderError");
        SpanData span = only();
        assertEquals("00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getSpanContext().getTraceFlags().asHex(),
                attempt.headers().get("traceparent"));
    }

    @Test
    void anAttemptIsAChildOfTheCurrentSpanAndTheRequestFactsGoOnThatSpan() {
        Span server = provider.get("test").spanBuilder("POST /jsonrpc").setSpanKind(SpanKind.SERVER).startSpan();
        OtelTracing tracing = tracing(false);
        try (Scope _ = server.makeCurrent()) {
            tracing.requestIdentified(CONTEXT);
            tracing.attemptStarted(GEMINI, request("Hi")).failed("ProviderError");
        } finally {
            server.end();
        }
        SpanData client = exported.getFinishedSpanItems().get(0);
        SpanData serverData = exported.getFinishedSpanItems().get(1);
        assertEquals(serverData.getSpanId(), client.getParentSpanId());
        assertEquals(serverData.getTraceId(), client.getTraceId());
        assertEquals("caller-trace", serverData.getAttributes().get(GenAi.TRACE_ID));
        assertEquals("key-ops", serverData.getAttributes().get(GenAi.PRINCIPAL));
        assertEquals("planner", serverData.getAttributes().get(GenAi.SOURCE_AGENT));
    }

    @Test
    void aTaskCarriedToAnotherThreadStartsItsAttemptsUnderTheSameSpan() throws Exception {
        Span server = provider.get("test").spanBuilder("POST /jsonrpc").setSpanKind(SpanKind.SERVER).startSpan();
        OtelTracing tracing = tracing(false);
        try (Scope _ = server.makeCurrent(); var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            threads.submit(tracing.carried(() -> {
                tracing.attemptStarted(GEMINI, request("Hi")).failed("ProviderError");
                return null;
            })).get();
        } finally {
            server.end();
        }
        assertEquals(server.getSpanContext().getSpanId(), exported.getFinishedSpanItems().get(0).getParentSpanId());
    }

    @Test
    void withoutARecordingSpanTheRequestFactsAreDropped() {
        tracing(false).requestIdentified(CONTEXT);
        assertTrue(exported.getFinishedSpanItems().isEmpty());
    }

    @Test
    void promptAndAnswerStayOffTheSpansUnlessCaptureIsOn() {
        String canaryPrompt = "canary-prompt-" + System.nanoTime();
        AttemptSpan attempt = tracing(false).attemptStarted(GEMINI, request(canaryPrompt));
        attempt.answered(ChatResponses.builder().model(GEMINI).content("canary-answer").build());
        String everything = only().getAttributes().asMap().toString();
        assertFalse(everything.contains(canaryPrompt), everything);
        assertFalse(everything.contains("canary-answer"), everything);
    }

    @Test
    void withCaptureOnPromptAndAnswerAreTheConventionsMessages() {
        AttemptSpan attempt = tracing(true).attemptStarted(GEMINI, request("Say \"hi\"\n"));
        attempt.answered(ChatResponses.builder().model(GEMINI).content("hi").build());
        SpanData span = only();
        assertEquals("[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"Say \\\"hi\\\"\\n\"}]}]",
                span.getAttributes().get(GenAi.INPUT_MESSAGES));
        assertEquals("[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"hi\"}]}]",
                span.getAttributes().get(GenAi.OUTPUT_MESSAGES));
    }

    @Test
    void providersAreNamedAsTheConventionsSay() {
        assertEquals("openai", GenAi.providerName(ProviderId.OPENAI));
        assertEquals("anthropic", GenAi.providerName(ProviderId.ANTHROPIC));
        assertEquals("gcp.gemini", GenAi.providerName(ProviderId.GEMINI));
        assertEquals("simulator", GenAi.providerName(ProviderId.SIMULATOR));
    }
}
