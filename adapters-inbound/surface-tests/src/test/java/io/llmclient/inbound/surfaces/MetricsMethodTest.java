package io.llmclient.inbound.surfaces;

import io.llmclient.application.telemetry.MetricsSnapshot;
import io.llmclient.application.telemetry.MetricsSnapshot.Bucket;
import io.llmclient.application.telemetry.MetricsSnapshot.Count;
import io.llmclient.application.telemetry.MetricsSnapshot.Distribution;
import io.llmclient.application.telemetry.MetricsSnapshot.Level;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code llm.metrics} turns the snapshot it reads into the contract's per-provider, per-model JSON. */
class MetricsMethodTest extends HttpTestSupport {

    @AfterEach
    void emptySnapshot() {
        server.snapshot.set(new MetricsSnapshot(List.of()));
    }

    private static Map<String, String> pm(String provider, String model, String... more) {
        var labels = new java.util.HashMap<String, String>(Map.of("provider", provider, "model", model));
        for (int i = 0; i < more.length; i += 2) {
            labels.put(more[i], more[i + 1]);
        }
        return labels;
    }

    @Test
    void theContractSeriesAreGroupedPerProviderAndModel() {
        server.snapshot.set(new MetricsSnapshot(List.of(
                new Count("llm_requests_total", pm("openai", "gpt-4.1-mini", "status", "success"), 3),
                new Count("llm_requests_total", pm("openai", "gpt-4.1-mini", "status", "error"), 1),
                new Count("llm_tokens_total", pm("openai", "gpt-4.1-mini", "token_type", "prompt"), 30),
                new Count("llm_tokens_total", pm("openai", "gpt-4.1-mini", "token_type", "completion"), 12),
                new Count("llm_errors_total", pm("openai", "gpt-4.1-mini", "error_type", "ProviderError"), 1),
                new Level("llm_active_requests", Map.of("provider", "openai"), 2),
                new Distribution("llm_requests_duration_seconds", pm("openai", "gpt-4.1-mini"), 4, 2.0,
                        List.of(new Bucket(0.25, 0), new Bucket(0.5, 2), new Bucket(1, 4))),
                new Count("llm_governance_violations_total", Map.of("model", "other", "source_agent", "planner"), 5))));

        HttpResponse<String> response = post("""
                {"jsonrpc":"2.0","method":"llm.metrics","id":1}""");

        assertJsonBody("""
                {"jsonrpc":"2.0","id":1,"result":{
                  "providers":{"openai":{
                    "active_requests":2,
                    "models":{"gpt-4.1-mini":{
                      "requests":{"success":3,"error":1},
                      "tokens":{"prompt":30,"completion":12},
                      "errors":{"ProviderError":1},
                      "latency_seconds":{"count":4,"sum":2.0,"p50":0.5,"p95":0.95,"p99":0.99}}}}},
                  "governance_violations":[{"model":"other","source_agent":"planner","count":5}]}}""", response);
    }

    @Test
    void aModelThatOnlyFailedStillShowsZeroSuccessesAndTokens() {
        server.snapshot.set(new MetricsSnapshot(List.of(
                new Count("llm_requests_total", pm("gemini", "gemini-1.5-flash", "status", "error"), 2))));

        assertJsonBody("""
                {"jsonrpc":"2.0","id":2,"result":{"providers":{"gemini":{"models":{"gemini-1.5-flash":{
                  "requests":{"success":0,"error":2},"tokens":{"prompt":0,"completion":0}}}}}}}""",
                post("""
                        {"jsonrpc":"2.0","method":"llm.metrics","id":2}"""));
    }

    @Test
    void seriesTheContractAddsLaterAreCarriedByTheirNameAndLabels() {
        server.snapshot.set(new MetricsSnapshot(List.of(
                new Count("llm_retries_total", Map.of("provider", "anthropic", "reason", "overloaded"), 4),
                new Count("llm_rate_limit_errors_total", Map.of("provider", "anthropic"), 2),
                new Distribution("llm_rate_limit_retry_delay_seconds", Map.of("provider", "anthropic"), 0, 0,
                        List.of(new Bucket(1, 0))))));

        assertJsonBody("""
                {"jsonrpc":"2.0","id":3,"result":{"providers":{"anthropic":{
                  "rate_limit_errors":2,
                  "rate_limit_retry_delay_seconds":{"count":0,"sum":0.0,"p50":null,"p95":null,"p99":null},
                  "retries":{"overloaded":4}}}}}""",
                post("""
                        {"jsonrpc":"2.0","method":"llm.metrics","id":3}"""));
    }

    @Test
    void nothingRecordedYetIsAnEmptyProviderMap() {
        assertJsonBody("""
                {"jsonrpc":"2.0","id":4,"result":{"providers":{}}}""",
                post("""
                        {"jsonrpc":"2.0","method":"llm.metrics","id":4}"""));
    }

    @Test
    void metricsRefusesParamsItDoesNotTake() {
        assertJsonBody("""
                {"jsonrpc":"2.0","id":5,"error":{"code":-32602,
                 "message":"Invalid params: verbose is not a known field; llm.metrics takes no params",
                 "data":{"type":"InvalidParams","trace_id":"t-p",
                  "errors":[{"field":"verbose","message":"is not a known field; llm.metrics takes no params"}]}}}""",
                post("""
                        {"jsonrpc":"2.0","method":"llm.metrics","params":{"verbose":true},"id":5}""",
                        TRACE_HEADER, "t-p"));
    }

    @Test
    void metricsMayRunInsideABatch() {
        assertJsonBody("""
                [{"jsonrpc":"2.0","id":6,"result":{"providers":{}}},
                 {"jsonrpc":"2.0","id":7,"result":{"providers":{}}}]""",
                post("""
                        [{"jsonrpc":"2.0","method":"llm.metrics","id":6},{"jsonrpc":"2.0","method":"llm.metrics","id":7}]"""));
    }
}
