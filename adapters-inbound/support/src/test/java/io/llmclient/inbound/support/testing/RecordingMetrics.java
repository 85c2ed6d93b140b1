package io.llmclient.inbound.support.testing;

import io.llmclient.application.telemetry.MetricsPort;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.Usage;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts what the service reports, per provider, as the Prometheus adapter would. */
public final class RecordingMetrics implements MetricsPort {
    public final Map<String, AtomicInteger> active = new ConcurrentHashMap<>();
    public final Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();
    public final AtomicInteger started = new AtomicInteger();
    public final AtomicInteger succeeded = new AtomicInteger();
    public final AtomicInteger firstTokens = new AtomicInteger();

    public int active(String provider) {
        return active.getOrDefault(provider, new AtomicInteger()).get();
    }

    public int errors(String type) {
        return errors.getOrDefault(type, new AtomicInteger()).get();
    }

    @Override
    public void started(ModelEntry model) {
        started.incrementAndGet();
        active.computeIfAbsent(model.provider().value(), key -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    public void firstToken(ModelEntry model, Duration timeToFirstToken) {
        firstTokens.incrementAndGet();
    }

    @Override
    public void succeeded(ModelEntry model, Duration latency, Usage usage) {
        succeeded.incrementAndGet();
        active.get(model.provider().value()).decrementAndGet();
    }

    @Override
    public void failed(ModelEntry model, Duration latency, String errorType) {
        errors.computeIfAbsent(errorType, key -> new AtomicInteger()).incrementAndGet();
        active.get(model.provider().value()).decrementAndGet();
    }

    @Override
    public void governanceViolation(String attemptedModel, String sourceAgent) {
    }
}
