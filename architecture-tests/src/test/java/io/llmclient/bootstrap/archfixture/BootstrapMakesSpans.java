package io.llmclient.bootstrap.archfixture;

import io.opentelemetry.api.trace.Span;

/** Deliberate violation: code outside the telemetry adapter using the OpenTelemetry API. */
public final class BootstrapMakesSpans {
    private BootstrapMakesSpans() {
    }

    public static boolean tracing() {
        return Span.current().isRecording();
    }
}
