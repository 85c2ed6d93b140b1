package io.llmclient.telemetry.otel;

import io.llmclient.application.telemetry.AttemptSpan;
import io.llmclient.application.telemetry.TracingPort;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ChatRequest;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * The tracing port on OpenTelemetry: the request's facts go on the current SERVER span (opened by
 * {@link ServerSpanFilter}), each upstream attempt is a CLIENT span {@code chat {model}}, its child,
 * whose W3C headers the upstream request carries. Prompt and answer text are recorded only when
 * {@code captureContent} says so (contract section 13).
 */
public final class OtelTracing implements TracingPort {
    private final Tracer tracer;
    private final TextMapPropagator propagator;
    private final boolean captureContent;

    public OtelTracing(Tracer tracer, TextMapPropagator propagator, boolean captureContent) {
        this.tracer = Objects.requireNonNull(tracer, "tracer");
        this.propagator = Objects.requireNonNull(propagator, "propagator");
        this.captureContent = captureContent;
    }

    @Override
    public void requestIdentified(A2aContext context) {
        Span server = Span.current();
        if (!server.isRecording()) {
            return;
        }
        // The caller's own trace id too: it is what the caller's logs know the request by.
        server.setAttribute(GenAi.TRACE_ID, context.traceId());
        server.setAttribute(GenAi.PRINCIPAL, context.principal());
        context.sourceAgent().ifPresent(agent -> server.setAttribute(GenAi.SOURCE_AGENT, agent));
        context.sessionId().ifPresent(session -> server.setAttribute(GenAi.CONVERSATION, session));
    }

    @Override
    public AttemptSpan attemptStarted(ModelEntry model, ChatRequest request) {
        A2aContext a2a = request.context();
        Span span = tracer.spanBuilder(GenAi.CHAT + " " + model.id())
                .setSpanKind(SpanKind.CLIENT)
                .setParent(Context.current())
                .setAttribute(GenAi.OPERATION, GenAi.CHAT)
                .setAttribute(GenAi.PROVIDER, GenAi.providerName(model.provider()))
                .setAttribute(GenAi.REQUEST_MODEL, model.id())
                .setAttribute(GenAi.PRINCIPAL, a2a.principal())
                .startSpan();
        a2a.sourceAgent().ifPresent(agent -> span.setAttribute(GenAi.SOURCE_AGENT, agent));
        a2a.sessionId().ifPresent(session -> span.setAttribute(GenAi.CONVERSATION, session));
        if (captureContent && span.isRecording()) {
            span.setAttribute(GenAi.INPUT_MESSAGES, MessageContent.input(request.messages()));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        propagator.inject(Context.current().with(span), headers, (carrier, name, value) -> carrier.put(name, value));
        return new OtelAttemptSpan(span, headers, captureContent);
    }

    @Override
    public <T> Callable<T> carried(Callable<T> task) {
        return Context.current().wrap(task);
    }
}
