package io.llmclient.bootstrap.observability;

import static io.llmclient.bootstrap.observability.Upstreams.json;
import static io.llmclient.bootstrap.observability.Upstreams.sse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmclient.application.telemetry.MetricsSnapshot;
import io.llmclient.bootstrap.LlmClientServer;
import io.llmclient.bootstrap.RunningServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.hawkular.agent.prometheus.types.Histogram;
import org.hawkular.agent.prometheus.types.MetricFamily;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The contract's Prometheus series (section 7) as {@code GET /metrics} exposes them, read by a
 * text-format parser after known sequences of real requests through every provider: the three
 * upstream providers on WireMock, and the simulator.
 */
class PrometheusSeriesTest {
    @TempDir
    static Path dir;
    static Upstreams upstreams;
    static RunningServer server;
    static ServiceClient client;

    @BeforeAll
    static void start() {
        upstreams = new Upstreams();
        for (String provider : List.of("openai", "anthropic", "gemini")) {
            String error = switch (provider) {
                case "openai" -> Upstreams.fixture("openai", "error-400.json");
                case "anthropic" -> Upstreams.fixture("anthropic", "error-400.json");
                default -> Upstreams.fixture("gemini", "error-400.json");
            };
            upstreams.whenBodyContains(provider, "please fail", json(400, error));
        }
        // A stream that takes seconds to arrive, for a client to hang up on.
        upstreams.whenBodyContains("openai", "please dribble",
                sse(Upstreams.fixture("openai", "chat-stream.sse")).withChunkedDribbleDelay(40, 8000));
        var env = new HashMap<>(upstreams.env("sk-test-openai-0000", "sk-ant-test-0000", "AIza-test-0000"));
        env.putAll(Map.of("SERVER_PORT", "0", "LLM_AUDIT_LOG_FILE", "audit.jsonl",
                "LLM_SIMULATOR_ENABLED", "true", "LLM_MAX_RETRIES", "0", "LLM_RATE_LIMIT_MAX_RETRIES", "0",
                "LLM_CIRCUIT_FAILURE_THRESHOLD", "1000",
                "ALLOWED_MODELS", String.join(",", Upstreams.OPENAI_MODEL, Upstreams.ANTHROPIC_MODEL,
                        Upstreams.GEMINI_MODEL)));
        server = LlmClientServer.start(env, dir);
        client = new ServiceClient(server);
    }

    @AfterAll
    static void stop() {
        server.stop();
        upstreams.close();
    }

    private static Map<String, String> labels(String... pairs) {
        var labels = new HashMap<String, String>();
        for (int i = 0; i < pairs.length; i += 2) {
            labels.put(pairs[i], pairs[i + 1]);
        }
        return labels;
    }

    private static String params(String model, String text, String... extra) {
        var more = new StringBuilder();
        for (int i = 0; i < extra.length; i += 2) {
            more.append(",\"").append(extra[i]).append("\":\"").append(extra[i + 1]).append('"');
        }
        return """
                {"model":"%s","messages":[{"role":"user","content":"%s"}]%s}""".formatted(model, text, more);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"openai, gpt-4.1-mini, true", "anthropic, claude-3-5-haiku-20241022, true",
        "gemini, gemini-1.5-flash, true", "simulator, sim-fast, false"})
    void aKnownSequenceOfRequestsMovesEachSeriesByExactlyItsAmount(String provider, String model, boolean canFail) {
        Scrape before = Scrape.of(server);

        JsonNode rpc = client.rpc("llm.complete", params(model, "Hello there", "source_agent", "planner"));
        JsonNode openAi = client.openAiCompletion(params(model, "Hello from the OpenAI surface"));
        List<ServiceClient.Event> stream = client.stream(params(model, "Hello, streamed"));
        JsonNode done = stream.getLast().data().path("result");
        if (canFail) {
            JsonNode failed = client.rpc("llm.complete", params(model, "please fail"));
            assertEquals("ProviderError", failed.at("/error/data/type").asText(), failed.toString());
        }
        Scrape after = Scrape.of(server);

        assertEquals("done", stream.getLast().name(), stream.toString());
        long prompt = rpc.at("/result/usage/prompt_tokens").asLong() + openAi.at("/usage/prompt_tokens").asLong()
                + done.at("/usage/prompt_tokens").asLong();
        long completion = rpc.at("/result/usage/completion_tokens").asLong()
                + openAi.at("/usage/completion_tokens").asLong() + done.at("/usage/completion_tokens").asLong();
        assertTrue(prompt > 0 && completion > 0, "the fixtures report usage");
        int failures = canFail ? 1 : 0;
        var series = labels("provider", provider, "model", model);
        assertMoved(before, after, "llm_requests_total", labels("provider", provider, "model", model,
                "status", "success"), 3);
        assertMoved(before, after, "llm_requests_total", labels("provider", provider, "model", model,
                "status", "error"), failures);
        assertMoved(before, after, "llm_tokens_total", labels("provider", provider, "model", model,
                "token_type", "prompt"), prompt);
        assertMoved(before, after, "llm_tokens_total", labels("provider", provider, "model", model,
                "token_type", "completion"), completion);
        assertMoved(before, after, "llm_errors_total", labels("provider", provider, "model", model,
                "error_type", "ProviderError"), failures);
        assertEquals(3 + failures, after.observations("llm_requests_duration_seconds", series)
                - before.observations("llm_requests_duration_seconds", series));
        assertEquals(1, after.observations("llm_time_to_first_token_seconds", series)
                - before.observations("llm_time_to_first_token_seconds", series), "streams only");
        assertEquals(0.0, after.gauge("llm_active_requests", labels("provider", provider)).orElseThrow());
    }

    @Test
    void aClientThatHangsUpMidStreamCountsOnceAsClientCancelledAndLeavesNothingActive() {
        var series = labels("provider", "openai", "model", Upstreams.OPENAI_MODEL);
        Scrape before = Scrape.of(server);

        client.streamAndHangUp(params(Upstreams.OPENAI_MODEL, "please dribble"));

        await(() -> Scrape.of(server).counter("llm_errors_total", with(series, "error_type", "ClientCancelled"))
                > before.counter("llm_errors_total", with(series, "error_type", "ClientCancelled")));
        Scrape after = Scrape.of(server);
        assertMoved(before, after, "llm_errors_total", with(series, "error_type", "ClientCancelled"), 1);
        assertMoved(before, after, "llm_requests_total", with(series, "status", "error"), 1);
        assertMoved(before, after, "llm_requests_total", with(series, "status", "success"), 0);
        assertEquals(0.0, after.gauge("llm_active_requests", labels("provider", "openai")).orElseThrow());
        assertEquals(1, after.observations("llm_time_to_first_token_seconds", series)
                - before.observations("llm_time_to_first_token_seconds", series), "its first token did arrive");
    }

    @Test
    void governanceRefusalsCountByCatalogModelOrOtherAndByAgentAndReachNoProviderSeries() {
        Scrape before = Scrape.of(server);

        client.rpc("llm.complete", params("gpt-5", "Hi", "source_agent", "planner"));
        client.rpc("llm.complete", params("gpt-5", "Hi"));
        client.rpc("llm.complete", params("my-own-model-9", "Hi", "source_agent", "planner"));
        client.openAiCompletion(params("gpt-5", "Hi"), "X-Source-Agent", "planner");
        Scrape after = Scrape.of(server);

        String violations = "llm_governance_violations_total";
        assertMoved(before, after, violations, labels("model", "gpt-5", "source_agent", "planner"), 2);
        assertMoved(before, after, violations, labels("model", "gpt-5", "source_agent", "unknown"), 1);
        assertMoved(before, after, violations, labels("model", "other", "source_agent", "planner"), 1);
        assertTrue(after.labelSets("llm_requests_total").stream().noneMatch(set -> set.get("model").equals("gpt-5")),
                "a refusal never reaches a provider");
        assertTrue(after.labelSets(violations).stream().noneMatch(set -> set.get("model").equals("my-own-model-9")));
    }

    @Test
    void everyLlmFamilyExposedHasTheContractsNameTypeAndLabels() {
        client.rpc("llm.complete", params("sim-fast", "Hi"));
        client.stream(params(Upstreams.OPENAI_MODEL, "Hi"));
        client.rpc("llm.complete", params(Upstreams.ANTHROPIC_MODEL, "please fail"));
        client.rpc("llm.complete", params("gpt-5", "Hi"));
        Scrape scrape = Scrape.of(server);

        var seen = new HashSet<String>();
        for (MetricFamily family : scrape.families()) {
            String name = family.getName();
            if (!name.startsWith("llm_")) {
                continue;
            }
            if (name.endsWith("_max") && isHistogram(name.substring(0, name.length() - "_max".length()))) {
                // Micrometer adds a "_max" gauge beside every timer; docs/observability.md says why it stays.
                continue;
            }
            ContractSeries.Family contract = ContractSeries.FAMILIES.get(name);
            assertTrue(contract != null, "not a contract family: " + name);
            assertEquals(contract.type(), family.getType().name().toLowerCase(java.util.Locale.ROOT), name);
            for (Map<String, String> set : scrape.labelSets(name)) {
                assertEquals(contract.labels(), set.keySet(), name + " labels");
            }
            seen.add(name);
        }
        assertTrue(seen.containsAll(List.of("llm_requests_total", "llm_requests_duration_seconds",
                "llm_time_to_first_token_seconds", "llm_tokens_total", "llm_errors_total", "llm_active_requests",
                "llm_governance_violations_total", "llm_gateway_overhead_seconds")), "seen: " + seen);
    }

    @Test
    void theHistogramsUseTheDocumentedBucketsFromFiveMillisecondsToTwoMinutes() {
        client.stream(params("sim-fast", "Hi"));
        Histogram latency = Scrape.of(server).histogram("llm_requests_duration_seconds",
                labels("provider", "simulator", "model", "sim-fast")).orElseThrow();
        Histogram firstToken = Scrape.of(server).histogram("llm_time_to_first_token_seconds",
                labels("provider", "simulator", "model", "sim-fast")).orElseThrow();
        List<Double> expected = List.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0,
                60.0, 120.0, Double.POSITIVE_INFINITY);
        assertEquals(expected, latency.getBuckets().stream().map(Histogram.Bucket::getUpperBound).toList());
        assertEquals(expected, firstToken.getBuckets().stream().map(Histogram.Bucket::getUpperBound).toList());
    }

    @Test
    void llmMetricsReportsTheSameNumbersAsTheScrape() {
        client.rpc("llm.complete", params(Upstreams.GEMINI_MODEL, "Hi"));
        client.stream(params(Upstreams.GEMINI_MODEL, "Hi"));
        client.rpc("llm.complete", params(Upstreams.GEMINI_MODEL, "please fail"));
        client.rpc("llm.complete", params("gpt-5", "Hi", "source_agent", "auditor"));

        Scrape scrape = Scrape.of(server);
        JsonNode result = client.rpc("llm.metrics", "{}").path("result");

        JsonNode providers = result.path("providers");
        assertFalse(providers.isEmpty(), result.toString());
        for (Map<String, String> set : scrape.labelSets("llm_requests_total")) {
            JsonNode model = providers.path(set.get("provider")).path("models").path(set.get("model"));
            assertEquals((long) scrape.counter("llm_requests_total", set),
                    model.path("requests").path(set.get("status")).asLong(), set.toString());
        }
        for (Map<String, String> set : scrape.labelSets("llm_tokens_total")) {
            JsonNode model = providers.path(set.get("provider")).path("models").path(set.get("model"));
            assertEquals((long) scrape.counter("llm_tokens_total", set),
                    model.path("tokens").path(set.get("token_type")).asLong(), set.toString());
        }
        for (Map<String, String> set : scrape.labelSets("llm_errors_total")) {
            JsonNode model = providers.path(set.get("provider")).path("models").path(set.get("model"));
            assertEquals((long) scrape.counter("llm_errors_total", set),
                    model.path("errors").path(set.get("error_type")).asLong(), set.toString());
        }
        for (Map<String, String> set : scrape.labelSets("llm_active_requests")) {
            assertEquals(scrape.gauge("llm_active_requests", set).orElseThrow(),
                    providers.path(set.get("provider")).path("active_requests").asDouble(), set.toString());
        }
        for (Map<String, String> set : scrape.labelSets("llm_requests_duration_seconds")) {
            Histogram scraped = scrape.histogram("llm_requests_duration_seconds", set).orElseThrow();
            JsonNode latency = providers.path(set.get("provider")).path("models").path(set.get("model"))
                    .path("latency_seconds");
            assertEquals(scraped.getSampleCount(), latency.path("count").asLong(), set.toString());
            assertEquals(scraped.getSampleSum(), latency.path("sum").asDouble(), 1e-9, set.toString());
            MetricsSnapshot.Distribution fromScrape = distribution(scraped);
            for (String p : List.of("p50", "p95", "p99")) {
                double q = Double.parseDouble(p.substring(1)) / 100;
                assertEquals(fromScrape.quantile(q).orElseThrow(), latency.path(p).asDouble(), 1e-9, set + " " + p);
            }
        }
        int violationEntries = 0;
        for (JsonNode entry : result.path("governance_violations")) {
            var set = labels("model", entry.path("model").asText(), "source_agent", entry.path("source_agent").asText());
            assertEquals((long) scrape.counter("llm_governance_violations_total", set), entry.path("count").asLong());
            violationEntries++;
        }
        assertEquals(scrape.labelSets("llm_governance_violations_total").size(), violationEntries);
    }

    private static MetricsSnapshot.Distribution distribution(Histogram histogram) {
        return new MetricsSnapshot.Distribution("d", Map.of(), histogram.getSampleCount(), histogram.getSampleSum(),
                histogram.getBuckets().stream().filter(bucket -> Double.isFinite(bucket.getUpperBound()))
                        .map(bucket -> new MetricsSnapshot.Bucket(bucket.getUpperBound(), bucket.getCumulativeCount()))
                        .toList());
    }

    private static boolean isHistogram(String name) {
        ContractSeries.Family family = ContractSeries.FAMILIES.get(name);
        return family != null && family.type().equals("histogram");
    }

    private static Map<String, String> with(Map<String, String> labels, String name, String value) {
        var more = new HashMap<>(labels);
        more.put(name, value);
        return more;
    }

    private static void assertMoved(Scrape before, Scrape after, String name, Map<String, String> labels, double by) {
        assertEquals(by, after.counter(name, labels) - before.counter(name, labels), name + labels);
    }

    // Waits for something the server does after the client has gone; not a timing assertion.
    private static void await(BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("condition not met within 30 s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
