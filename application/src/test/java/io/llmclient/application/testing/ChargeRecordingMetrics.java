package io.llmclient.application.testing;

import io.llmclient.application.telemetry.MetricsPort;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.money.NanoUsd;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A metrics port that records only the governance events, {@code charged} and
 * {@code quotaRejected}, as lines such as {@code "gpt-4.1-mini alice 1008000"} and
 * {@code "alice rpm"}; the request metrics are ignored.
 */
public final class ChargeRecordingMetrics implements MetricsPort {
    /** {@code <model> <principal> <nano-dollars>}, one per call charged. */
    public final List<String> charged = new CopyOnWriteArrayList<>();
    /** {@code <principal> <limit>}, one per refusal. */
    public final List<String> rejected = new CopyOnWriteArrayList<>();

    @Override
    public void started(ModelEntry model) {
    }

    @Override
    public void firstToken(ModelEntry model, Duration timeToFirstToken) {
    }

    @Override
    public void succeeded(ModelEntry model, Duration latency, Usage usage) {
    }

    @Override
    public void failed(ModelEntry model, Duration latency, String errorType) {
    }

    @Override
    public void governanceViolation(String attemptedModel, String sourceAgent) {
    }

    @Override
    public void charged(ModelEntry model, String principal, NanoUsd cost) {
        charged.add(model.id() + " " + principal + " " + cost.nanos());
    }

    @Override
    public void quotaRejected(String principal, String limit) {
        rejected.add(principal + " " + limit);
    }
}
