package io.llmclient.telemetry.otel;

import io.llmclient.application.telemetry.AttemptSpan;
import io.llmclient.domain.chat.ChatResponse;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/** One CLIENT span {@code chat {model}}, ended once, by the answer or by a failure. */
final class OtelAttemptSpan implements AttemptSpan {
    private final Span span;
    private final Map<String, String> headers;
    private final boolean captureContent;
    private final AtomicBoolean ended = new AtomicBoolean();

    OtelAttemptSpan(Span span, Map<String, String> headers, boolean captureContent) {
        this.span = span;
        this.headers = Map.copyOf(headers);
        this.captureContent = captureContent;
    }

    @Override
    public Map<String, String> headers() {
        return headers;
    }

    @Override
    public void answered(ChatResponse response) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        span.setAttribute(GenAi.RESPONSE_MODEL, response.providerModel());
        span.setAttribute(GenAi.RESPONSE_ID, response.id());
        span.setAttribute(GenAi.INPUT_TOKENS, (long) response.usage().promptTokens());
        span.setAttribute(GenAi.OUTPUT_TOKENS, (long) response.usage().completionTokens());
        span.setAttribute(GenAi.FINISH_REASONS, List.of(response.finishReason().wireName()));
        response.cost().ifPresent(cost -> span.setAttribute(GenAi.COST_USD, cost.usdApproximately()));
        if (captureContent) {
            span.setAttribute(GenAi.OUTPUT_MESSAGES, MessageContent.output(response));
        }
        span.end();
    }

    @Override
    public void failed(String errorType) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        span.setAttribute(GenAi.ERROR_TYPE, errorType);
        span.setStatus(StatusCode.ERROR, errorType);
        span.end();
    }
}
