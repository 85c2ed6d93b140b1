package io.llmclient.bootstrap.governance;

import static io.llmclient.bootstrap.governance.GovernanceWire.cost;
import static io.llmclient.bootstrap.governance.GovernanceWire.entry;
import static io.llmclient.bootstrap.governance.GovernanceWire.events;
import static io.llmclient.bootstrap.governance.GovernanceWire.key;
import static io.llmclient.bootstrap.governance.GovernanceWire.openAi;
import static io.llmclient.bootstrap.governance.GovernanceWire.params;
import static io.llmclient.bootstrap.governance.GovernanceWire.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmclient.bootstrap.CapturedLogs;
import io.llmclient.bootstrap.LlmClientServer;
import io.llmclient.bootstrap.RunningServer;
import io.llmclient.bootstrap.observability.Scrape;
import io.llmclient.domain.money.BudgetPeriod;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-caller governance (contract sections 10 and 14) through the whole service as wired, on both
 * surfaces, streams included: the simulator behind it, paced (300 ms to the first token, 100 ms per
 * further token) so that a call's {@code max_tokens} decides how long it stays in flight. Every test
 * uses keys of its own, so the windows and budgets of one do not move another's.
 */
class GovernanceEndToEndTest {
    private static final Pattern GO_DURATION = Pattern.compile("^(\\d+h)?(\\d+m)?\\d+(\\.\\d+)?s$|^\\d+ms$");
    /** One call of {@code params("sim-fast", 2)}: what it costs, learnt from the first answer. */
    private static final String BUDGET_USD = "0.0000015";

    @TempDir
    static Path dir;
    private static RunningServer server;
    private static GovernanceWire wire;

    @BeforeAll
    static void start() throws Exception {
        String parallel = "      max-parallel: 4\n";
        String rpm = "      rpm: 20\n";
        String budget = "      models: [sim-fast]\n      budget: {usd: " + BUDGET_USD + ", period: daily}\n";
        Files.writeString(dir.resolve("policy.yaml"), "llm:\n"
                + "  prices:\n    sim-fast: {input: 0.10, output: 0.40}\n"
                + "  teams:\n    - id: squad\n      rpm: 2\n"
                + "  keys:\n"
                + entry("rpm-one") + "      rpm: 1\n      tpm: 100000\n"
                + entry("parallel-one") + "      max-parallel: 1\n"
                + entry("squad-a") + "      team: squad\n"
                + entry("squad-b") + "      team: squad\n"
                + entry("windows") + "      rpm: 100\n      tpm: 100000\n"
                + entry("plain")
                + entry("budget-rpc") + budget
                + entry("budget-v1") + budget
                + entry("burst-parallel-rpc") + parallel
                + entry("burst-parallel-v1") + parallel
                + entry("burst-rpm-rpc") + rpm
                + entry("burst-rpm-v1") + rpm
                + entry("planner") + "      source-agent: planner\n"
                + entry("expired") + "      expires-at: \"2020-01-01T00:00:00Z\"\n"
                + entry("disabled") + "      disabled: true\n");
        server = LlmClientServer.start(Map.of("SERVER_PORT", "0", "LLM_CONFIG_FILE", "policy.yaml",
                "LLM_AUDIT_LOG_FILE", "audit.jsonl", "LLM_SIMULATOR_TTFT_MS", "300",
                "LLM_SIMULATOR_INTER_TOKEN_MS", "100"), dir);
        wire = new GovernanceWire(server);
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    // --- -32007 and its 429 -------------------------------------------------------------------

    @Test
    void anRpmRefusalNamesKeyLimitAndWaitOnBothSurfacesStreamsIncluded() {
        String key = key("rpm-one");
        JsonNode before = wire.quota(key);
        assertEquals("rpm-one", before.path("principal").asText());
        assertFalse(before.has("team"), "no team: omitted, not null");
        assertEquals(1, before.path("limits").path("rpm").path("limit").asLong());
        assertEquals(1, before.path("limits").path("rpm").path("remaining").asLong());
        assertFalse(before.path("limits").has("max_parallel"));
        assertFalse(before.has("budget") || before.has("team_budget"));

        assertTrue(wire.rpc(key, "llm.complete", params("sim-fast", 2)).has("result"));

        for (String method : List.of("llm.complete", "llm.stream")) {
            HttpResponse<String> response = wire.rpcResponse(key, method, params("sim-fast", 2));
            assertEquals(200, response.statusCode());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                    method + " refused before it started is a plain JSON-RPC error");
            JsonNode error = parse(response.body()).path("error");
            assertEquals(-32007, error.path("code").asInt(), response.body());
            JsonNode data = error.path("data");
            assertEquals(Set.of("type", "trace_id", "principal", "limit", "retry_after_seconds"), names(data));
            assertEquals("QuotaExceededError", data.path("type").asText());
            assertEquals("rpm-one", data.path("principal").asText());
            assertEquals("rpm", data.path("limit").asText());
            assertTrue(data.path("retry_after_seconds").isNumber());
            double wait = data.path("retry_after_seconds").asDouble();
            assertTrue(wait > 0 && wait <= 60, "the window frees within 60 s: " + wait);
        }

        for (boolean stream : List.of(false, true)) {
            HttpResponse<String> response = wire.post("/v1/chat/completions", openAi("sim-fast", 2, stream), key);
            assertEquals(429, response.statusCode(), response.body());
            JsonNode error = parse(response.body()).path("error");
            assertEquals("rate_limit_error", error.path("type").asText());
            assertEquals("rate_limit_exceeded", error.path("code").asText());
            assertTrue(error.has("param") && error.path("param").isNull(), response.body());
            assertFalse(error.path("message").asText().isBlank());
            String retryAfter = response.headers().firstValue("Retry-After").orElseThrow();
            assertTrue(retryAfter.matches("[1-9][0-9]*"), "whole seconds, rounded up: " + retryAfter);
            assertTrue(Integer.parseInt(retryAfter) <= 60, retryAfter);
            assertEquals("0", response.headers().firstValue("x-ratelimit-remaining-requests").orElseThrow());
        }

        // llm.quota and llm.models are answered though the window is full, and count nothing.
        JsonNode after = wire.quota(key);
        assertEquals(0, after.path("limits").path("rpm").path("remaining").asLong());
        BigDecimal reset = after.path("limits").path("rpm").path("reset_seconds").decimalValue();
        assertTrue(reset.signum() > 0 && reset.compareTo(BigDecimal.valueOf(60)) <= 0, reset.toString());
        assertTrue(wire.rpc(key, "llm.models", null).has("result"));
        assertEquals(0, wire.quota(key).path("limits").path("rpm").path("remaining").asLong());
        assertEquals(4.0, Scrape.of(server).counter("llm_quota_rejections_total",
                Map.of("principal", "rpm-one", "limit", "rpm")));
    }

    @Test
    void aMaxParallelRefusalHasNoWaitOnEitherSurface() throws Exception {
        String key = key("parallel-one");
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            // Held in flight for about 3 s (25 tokens at 100 ms each).
            Future<JsonNode> held = pool.submit(() -> wire.rpc(key, "llm.complete", params("sim-fast", 25)));
            awaitInUse(key, 1);
            for (String method : List.of("llm.complete", "llm.stream")) {
                JsonNode data = wire.rpc(key, method, params("sim-fast", 2)).path("error").path("data");
                assertEquals("max_parallel", data.path("limit").asText(), data.toString());
                assertEquals("parallel-one", data.path("principal").asText());
                assertFalse(data.has("retry_after_seconds"), "absent for max_parallel: " + data);
            }
            for (boolean stream : List.of(false, true)) {
                HttpResponse<String> response = wire.post("/v1/chat/completions", openAi("sim-fast", 2, stream), key);
                assertEquals(429, response.statusCode(), response.body());
                assertEquals("rate_limit_exceeded", parse(response.body()).path("error").path("code").asText());
                assertTrue(response.headers().firstValue("Retry-After").isEmpty(), "no wait is known");
            }
            assertTrue(held.get().has("result"), "the held call was never disturbed");
        }
        assertEquals(0, wire.quota(key).path("limits").path("max_parallel").path("in_use").asLong());
    }

    @Test
    void aTeamsLimitNamesTheTeam() {
        assertTrue(wire.rpc(key("squad-a"), "llm.complete", params("sim-fast", 2)).has("result"));
        assertTrue(wire.post("/v1/chat/completions", openAi("sim-fast", 2, false), key("squad-b")).statusCode() == 200);

        JsonNode data = wire.rpc(key("squad-a"), "llm.complete", params("sim-fast", 2)).path("error").path("data");
        assertEquals("squad", data.path("principal").asText(), data.toString());
        assertEquals("rpm", data.path("limit").asText());
        HttpResponse<String> refused = wire.post("/v1/chat/completions", openAi("sim-fast", 2, true), key("squad-b"));
        assertEquals(429, refused.statusCode());
        assertTrue(parse(refused.body()).path("error").path("message").asText().contains("squad"), refused.body());

        JsonNode quota = wire.quota(key("squad-b"));
        assertEquals("squad-b", quota.path("principal").asText());
        assertEquals("squad", quota.path("team").asText());
        assertEquals(2, quota.path("limits").path("rpm").path("limit").asLong());
        assertEquals(0, quota.path("limits").path("rpm").path("remaining").asLong());
        assertEquals(2.0, Scrape.of(server).counter("llm_quota_rejections_total",
                Map.of("principal", "squad", "limit", "rpm")));
    }

    // --- x-ratelimit-* ------------------------------------------------------------------------

    @Test
    void everyOpenAiAnswerToAWindowedKeyCarriesTheRateLimitHeaders() {
        String key = key("windows");
        HttpResponse<String> first = wire.post("/v1/chat/completions", openAi("sim-fast", 2, false), key);
        assertEquals(200, first.statusCode(), first.body());
        assertWindows(first, 99, 100_000);
        long tokens = parse(first.body()).path("usage").path("total_tokens").asLong();

        HttpResponse<String> streamed = wire.post("/v1/chat/completions", openAi("sim-fast", 2, true), key);
        assertEquals(200, streamed.statusCode());
        assertWindows(streamed, 98, 100_000 - tokens);

        HttpResponse<String> models = wire.get("/v1/models", key);
        assertEquals(200, models.statusCode());
        assertEquals("98", models.headers().firstValue("x-ratelimit-remaining-requests").orElseThrow(),
                "/v1/models counts nothing but reports the windows");

        JsonNode quota = wire.quota(key);
        assertEquals(98, quota.path("limits").path("rpm").path("remaining").asLong());
        assertTrue(quota.path("limits").path("tpm").path("remaining").asLong() < 100_000 - tokens,
                "both calls ended: both count");

        HttpResponse<String> plain = wire.post("/v1/chat/completions", openAi("sim-fast", 2, false), key("plain"));
        assertEquals(200, plain.statusCode());
        assertTrue(plain.headers().map().keySet().stream().noneMatch(name -> name.startsWith("x-ratelimit")),
                "no rpm or tpm, no headers: " + plain.headers().map().keySet());
    }

    private static void assertWindows(HttpResponse<String> response, long remainingRequests, long remainingTokens) {
        var headers = response.headers();
        assertEquals("100", headers.firstValue("x-ratelimit-limit-requests").orElseThrow());
        assertEquals(String.valueOf(remainingRequests), headers.firstValue("x-ratelimit-remaining-requests").orElseThrow());
        assertEquals("100000", headers.firstValue("x-ratelimit-limit-tokens").orElseThrow());
        assertEquals(String.valueOf(remainingTokens), headers.firstValue("x-ratelimit-remaining-tokens").orElseThrow());
        for (String reset : List.of("x-ratelimit-reset-requests", "x-ratelimit-reset-tokens")) {
            String value = headers.firstValue(reset).orElseThrow();
            assertTrue(GO_DURATION.matcher(value).matches(), reset + ": " + value);
        }
    }

    // --- cost -----------------------------------------------------------------------------------

    @Test
    void costFollowsPriceAndUsageAndIsAbsentForAnUnpricedModel() throws Exception {
        String key = key("plain");
        HttpResponse<String> priced = wire.post("/v1/chat/completions", openAi("sim-fast", 2, false), key);
        assertEquals(200, priced.statusCode());
        BigDecimal header = new BigDecimal(priced.headers().firstValue("X-Gateway-Cost-Usd").orElseThrow());
        assertEquals(0, cost(parse(priced.body()).path("usage")).compareTo(header), header.toPlainString());

        HttpResponse<String> unpriced = wire.post("/v1/chat/completions", openAi("sim-balanced", 2, false), key);
        assertEquals(200, unpriced.statusCode());
        assertTrue(unpriced.headers().firstValue("X-Gateway-Cost-Usd").isEmpty());

        JsonNode result;
        List<String> lines = new ArrayList<>();
        try (var logs = CapturedLogs.capture()) {
            result = wire.rpc(key, "llm.complete", params("sim-fast", 2), "X-Trace-Id", "t-gov-cost").path("result");
            lines.addAll(logs.lines());
        }
        assertTrue(result.path("cost_usd").isNumber(), result.toString());
        assertEquals(0, cost(result.path("usage")).compareTo(result.path("cost_usd").decimalValue()));
        JsonNode line = lines.stream().map(GovernanceWire::parse)
                .filter(json -> json.path("logger").asText().equals("io.llmclient.request")
                        && json.path("trace_id").asText().equals("t-gov-cost"))
                .findFirst().orElseThrow(() -> new AssertionError("no request log line in " + lines));
        assertEquals("plain", line.path("principal").asText());
        assertTrue(line.path("cost_usd").isNumber(), "a JSON number: " + line);
        assertEquals(0, result.path("cost_usd").decimalValue().compareTo(line.path("cost_usd").decimalValue()));

        JsonNode unpricedResult = wire.rpc(key, "llm.complete", params("sim-balanced", 2)).path("result");
        assertFalse(unpricedResult.has("cost_usd"), unpricedResult.toString());

        List<GovernanceWire.Event> stream = events(wire.rpcResponse(key, "llm.stream", params("sim-fast", 2)).body());
        JsonNode done = stream.getLast().json().path("result");
        assertEquals("done", stream.getLast().name());
        assertEquals(0, cost(done.path("usage")).compareTo(done.path("cost_usd").decimalValue()), done.toString());

        assertTrue(Scrape.of(server).counter("llm_cost_usd_total",
                Map.of("provider", "simulator", "model", "sim-fast", "principal", "plain")) > 0);
    }

    // --- budgets --------------------------------------------------------------------------------

    @Test
    void aBudgetReachedByConcurrentStreamsOnJsonRpcEqualsTheSumOfTheCostsReturned() throws Exception {
        String key = key("budget-rpc");
        var costs = new ArrayList<BigDecimal>();
        costs.add(wire.rpc(key, "llm.complete", params("sim-fast", 2)).path("result").path("cost_usd").decimalValue());
        assertTrue(costs.getFirst().compareTo(new BigDecimal(BUDGET_USD)) < 0, "one call stays under the budget");

        // A wave of streams while the spend is under the budget: those admitted may finish and be charged.
        List<String> bodies = concurrently(6, () -> wire.rpcResponse(key, "llm.stream", params("sim-fast", 6)).body());
        int refused = 0;
        for (String body : bodies) {
            if (body.startsWith("{")) {
                assertEquals(-32008, parse(body).path("error").path("code").asInt(), body);
                refused++;
            } else {
                GovernanceWire.Event done = events(body).getLast();
                assertEquals("done", done.name(), body);
                costs.add(done.json().path("result").path("cost_usd").decimalValue());
            }
        }
        assertTrue(refused < 6, "the first of the wave is admitted: the spend was under the budget");
        BigDecimal sum = costs.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        assertTrue(sum.compareTo(new BigDecimal(BUDGET_USD)) >= 0, "the budget is reached: " + sum);

        JsonNode budget = wire.quota(key).path("budget");
        assertEquals(0, sum.compareTo(budget.path("spent_usd").decimalValue()),
                "spend is exactly the sum of the cost_usd returned: " + budget);
        assertEquals(0, new BigDecimal(BUDGET_USD).compareTo(budget.path("usd").decimalValue()));
        assertEquals("daily", budget.path("period").asText());
        assertEquals(BudgetPeriod.DAILY.resetsAt(Instant.now()).orElseThrow().toString(),
                budget.path("resets_at").asText());

        for (String method : List.of("llm.complete", "llm.stream")) {
            JsonNode error = wire.rpc(key, method, params("sim-fast", 2)).path("error");
            assertEquals(-32008, error.path("code").asInt(), error.toString());
            JsonNode data = error.path("data");
            assertEquals(Set.of("type", "trace_id", "principal", "budget_usd", "spent_usd", "period", "resets_at"),
                    names(data));
            assertEquals("BudgetExceededError", data.path("type").asText());
            assertEquals("budget-rpc", data.path("principal").asText());
            assertEquals(0, new BigDecimal(BUDGET_USD).compareTo(data.path("budget_usd").decimalValue()));
            assertEquals(0, sum.compareTo(data.path("spent_usd").decimalValue()), "refusals charge nothing");
            assertEquals("daily", data.path("period").asText());
            assertEquals(budget.path("resets_at").asText(), data.path("resets_at").asText());
        }
        refused += 2;
        assertEquals(0, sum.compareTo(wire.quota(key).path("budget").path("spent_usd").decimalValue()));

        Scrape scrape = Scrape.of(server);
        assertEquals(refused, scrape.counter("llm_quota_rejections_total",
                Map.of("principal", "budget-rpc", "limit", "budget")));
        assertEquals(sum.doubleValue(), scrape.gauge("llm_budget_spent_usd", Map.of("principal", "budget-rpc"))
                .orElseThrow(), 1e-12);
        assertEquals(Double.parseDouble(BUDGET_USD), scrape.gauge("llm_budget_limit_usd",
                Map.of("principal", "budget-rpc")).orElseThrow(), 1e-12);
        assertEquals(sum.doubleValue(), scrape.counter("llm_cost_usd_total",
                Map.of("provider", "simulator", "model", "sim-fast", "principal", "budget-rpc")), 1e-12);

        List<JsonNode> audit = Files.readAllLines(dir.resolve("audit.jsonl")).stream().map(GovernanceWire::parse)
                .filter(entry -> entry.path("principal").asText().equals("budget-rpc")).toList();
        assertEquals(refused, audit.size(), audit.toString());
        assertTrue(audit.stream().allMatch(entry -> entry.path("reason").asText().equals("budget_exceeded")),
                audit.toString());
    }

    @Test
    void aBudgetReachedByConcurrentCallsOnTheOpenAiSurfaceEqualsTheSumOfTheCostsReturned() throws Exception {
        String key = key("budget-v1");
        var costs = new ArrayList<BigDecimal>();
        HttpResponse<String> first = wire.post("/v1/chat/completions", openAi("sim-fast", 2, false), key);
        costs.add(new BigDecimal(first.headers().firstValue("X-Gateway-Cost-Usd").orElseThrow()));

        var index = new AtomicLong();
        List<HttpResponse<String>> wave = concurrently(6, () -> wire.post("/v1/chat/completions",
                openAi("sim-fast", 6, index.getAndIncrement() % 2 == 0), key));
        int refused = 0;
        for (HttpResponse<String> response : wave) {
            if (response.statusCode() == 429) {
                assertEquals("insufficient_quota", parse(response.body()).path("error").path("code").asText());
                refused++;
            } else {
                assertEquals(200, response.statusCode(), response.body());
                var header = response.headers().firstValue("X-Gateway-Cost-Usd");
                if (header.isPresent()) {
                    costs.add(new BigDecimal(header.get()));
                } else {
                    // A stream has no header: its cost follows from the usage chunk and the price.
                    JsonNode usage = events(response.body()).stream().filter(event -> !event.data().equals("[DONE]"))
                            .map(GovernanceWire.Event::json).filter(chunk -> chunk.path("usage").isObject())
                            .reduce((a, b) -> b).orElseThrow().path("usage");
                    costs.add(cost(usage));
                }
            }
        }
        assertTrue(refused < 6);
        BigDecimal sum = costs.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        assertTrue(sum.compareTo(new BigDecimal(BUDGET_USD)) >= 0, sum.toPlainString());
        assertEquals(0, sum.compareTo(wire.quota(key).path("budget").path("spent_usd").decimalValue()));

        for (boolean stream : List.of(false, true)) {
            HttpResponse<String> response = wire.post("/v1/chat/completions", openAi("sim-fast", 2, stream), key);
            assertEquals(429, response.statusCode(), response.body());
            JsonNode error = parse(response.body()).path("error");
            assertEquals("insufficient_quota", error.path("type").asText());
            assertEquals("insufficient_quota", error.path("code").asText());
            assertTrue(error.has("param") && error.path("param").isNull());
            assertEquals("false", response.headers().firstValue("x-should-retry").orElseThrow());
        }
        assertEquals(0, sum.compareTo(wire.quota(key).path("budget").path("spent_usd").decimalValue()));
        assertEquals(refused + 2, Scrape.of(server).counter("llm_quota_rejections_total",
                Map.of("principal", "budget-v1", "limit", "budget")));
    }

    // --- concurrency ----------------------------------------------------------------------------

    @Test
    void fiftyConcurrentCallersAgainstMaxParallelFourOnJsonRpc() throws Exception {
        burstAgainstMaxParallel("burst-parallel-rpc", i -> {
            HttpResponse<String> response = wire.rpcResponse(key("burst-parallel-rpc"),
                    i % 2 == 0 ? "llm.complete" : "llm.stream", params("sim-fast", 8));
            if (!response.body().startsWith("{")) {
                return events(response.body()).getLast().name().equals("done") ? "admitted" : response.body();
            }
            JsonNode reply = parse(response.body());
            return reply.has("result") ? "admitted" : reply.path("error").path("code").asInt() + ":"
                    + reply.path("error").path("data").path("limit").asText();
        }, "-32007:max_parallel");
    }

    @Test
    void fiftyConcurrentCallersAgainstMaxParallelFourOnTheOpenAiSurface() throws Exception {
        burstAgainstMaxParallel("burst-parallel-v1", i -> {
            HttpResponse<String> response = wire.post("/v1/chat/completions", openAi("sim-fast", 8, i % 2 == 1),
                    key("burst-parallel-v1"));
            return response.statusCode() == 200 ? "admitted" : response.statusCode() + ":"
                    + parse(response.body()).path("error").path("code").asText();
        }, "429:rate_limit_exceeded");
    }

    private void burstAgainstMaxParallel(String id, Call call, String refusal) throws Exception {
        var maxInUse = new AtomicLong();
        var sampling = new AtomicBoolean(true);
        Thread sampler = Thread.ofVirtual().start(() -> {
            while (sampling.get()) {
                long inUse = wire.quota(key(id)).path("limits").path("max_parallel").path("in_use").asLong();
                maxInUse.accumulateAndGet(inUse, Math::max);
            }
        });
        var outcomes = new ArrayList<String>();
        try {
            var next = new AtomicLong();
            outcomes.addAll(concurrently(50, () -> {
                try {
                    return call.run((int) next.getAndIncrement());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        } finally {
            sampling.set(false);
            sampler.join();
        }
        long admitted = outcomes.stream().filter("admitted"::equals).count();
        long refused = outcomes.stream().filter(refusal::equals).count();
        assertEquals(50, admitted + refused, "every caller is admitted or refused for max_parallel: "
                + new TreeSet<>(outcomes));
        assertTrue(admitted >= 4 && refused >= 1, admitted + " admitted, " + refused + " refused");
        assertTrue(maxInUse.get() <= 4 && maxInUse.get() >= 1, "in flight at most 4: " + maxInUse.get());
        assertEquals(0, wire.quota(key(id)).path("limits").path("max_parallel").path("in_use").asLong());
        assertEquals(refused, (long) Scrape.of(server).counter("llm_quota_rejections_total",
                Map.of("principal", id, "limit", "max_parallel")));
    }

    @Test
    void fiftyConcurrentCallersAgainstRpmTwentyAreAdmittedExactlyTwentyTimesOnEachSurface() throws Exception {
        var next = new AtomicLong();
        List<String> rpc = concurrently(50, () -> {
            HttpResponse<String> response = wire.rpcResponse(key("burst-rpm-rpc"),
                    next.getAndIncrement() % 2 == 0 ? "llm.complete" : "llm.stream", params("sim-fast", 2));
            if (!response.body().startsWith("{")) {
                return events(response.body()).getLast().name();
            }
            JsonNode reply = parse(response.body());
            return reply.has("result") ? "done" : reply.path("error").path("data").path("limit").asText();
        });
        assertEquals(Map.of("done", 20L, "rpm", 30L), histogram(rpc));

        List<String> v1 = concurrently(50, () -> {
            HttpResponse<String> response = wire.post("/v1/chat/completions",
                    openAi("sim-fast", 2, next.getAndIncrement() % 2 == 0), key("burst-rpm-v1"));
            return response.statusCode() == 200 ? "done"
                    : response.statusCode() + ":" + parse(response.body()).path("error").path("code").asText();
        });
        assertEquals(Map.of("done", 20L, "429:rate_limit_exceeded", 30L), histogram(v1));
        Scrape scrape = Scrape.of(server);
        for (String id : List.of("burst-rpm-rpc", "burst-rpm-v1")) {
            assertEquals(30.0, scrape.counter("llm_quota_rejections_total", Map.of("principal", id, "limit", "rpm")));
            assertEquals(0, wire.quota(key(id)).path("limits").path("rpm").path("remaining").asLong());
        }
    }

    // --- who is calling ---------------------------------------------------------------------------

    @Test
    void aKeyBoundToASourceAgentCannotClaimAnother() {
        String key = key("planner");
        JsonNode error = wire.rpc(key, "llm.complete", params("sim-fast", 2), "X-Source-Agent", "other").path("error");
        assertEquals(-32602, error.path("code").asInt(), error.toString());
        assertTrue(error.path("data").path("errors").toString().contains("source_agent"), error.toString());
        JsonNode inParams = wire.rpc(key, "llm.complete", """
                {"model":"sim-fast","max_tokens":2,"source_agent":"other","messages":[{"role":"user","content":"Hi"}]}""")
                .path("error");
        assertEquals(-32602, inParams.path("code").asInt());

        HttpResponse<String> v1 = wire.post("/v1/chat/completions", openAi("sim-fast", 2, false), key,
                "X-Source-Agent", "other");
        assertEquals(400, v1.statusCode(), v1.body());
        assertTrue(v1.body().contains("source_agent"), v1.body());

        assertTrue(wire.rpc(key, "llm.complete", params("sim-fast", 2), "X-Source-Agent", "planner").has("result"));
        assertTrue(wire.rpc(key, "llm.complete", params("sim-fast", 2)).has("result"), "none claimed: the key's");
    }

    @Test
    void twoDifferentKeysAnExpiredKeyAndADisabledKeyAreUnauthorized() {
        String body = openAi("sim-fast", 2, false);
        for (String[] credentials : new String[][] {
                {"Authorization", "Bearer " + key("plain"), "x-api-key", key("windows")},
                {"Authorization", "Bearer " + key("expired")},
                {"x-api-key", key("disabled")}}) {
            HttpResponse<String> v1 = wire.post("/v1/chat/completions", body, null, credentials);
            assertEquals(401, v1.statusCode(), String.join(" ", credentials));
            assertEquals("invalid_api_key", parse(v1.body()).path("error").path("code").asText());
            HttpResponse<String> rpc = wire.post("/jsonrpc",
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"llm.quota\"}", null, credentials);
            assertEquals(401, rpc.statusCode());
            assertEquals("Unauthorized", parse(rpc.body()).path("error").path("data").path("type").asText());
            assertFalse(v1.body().contains("canary") || rpc.body().contains("canary"), "no key comes back");
        }
        // The same key twice is one caller.
        assertEquals(200, wire.post("/v1/chat/completions", body, null, "Authorization", "Bearer " + key("plain"),
                "x-api-key", key("plain")).statusCode());
    }

    @Test
    void llmQuotaTakesNoParams() {
        JsonNode error = wire.rpc(key("plain"), "llm.quota", "{\"x\":1}").path("error");
        assertEquals(-32602, error.path("code").asInt(), error.toString());
        JsonNode plain = wire.quota(key("plain"));
        assertEquals(Set.of("principal", "models", "limits"), names(plain), "nothing configured, nothing shown");
        assertTrue(plain.path("limits").isEmpty());
        assertTrue(plain.path("models").toString().contains("sim-fast"));
        assertEquals("[\"sim-fast\"]", wire.quota(key("budget-v1")).path("models").toString());
    }

    // --- helpers --------------------------------------------------------------------------------

    @FunctionalInterface
    private interface Call {
        String run(int index) throws Exception;
    }

    private static void awaitInUse(String key, long inUse) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (wire.quota(key).path("limits").path("max_parallel").path("in_use").asLong() != inUse) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never " + inUse + " in flight");
            }
            Thread.sleep(10);
        }
    }

    /** Runs {@code n} callers released at the same moment; their results in start order. */
    static <T> List<T> concurrently(int n, Supplier<T> caller) throws Exception {
        var ready = new CountDownLatch(n);
        var go = new CountDownLatch(1);
        var futures = new ArrayList<Future<T>>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return caller.get();
                }));
            }
            ready.await();
            go.countDown();
            var results = new ArrayList<T>();
            for (Future<T> future : futures) {
                results.add(future.get());
            }
            return results;
        }
    }

    private static Map<String, Long> histogram(List<String> outcomes) {
        var counts = new HashMap<String, Long>();
        outcomes.forEach(outcome -> counts.merge(outcome, 1L, Long::sum));
        return counts;
    }

    private static Set<String> names(JsonNode node) {
        var names = new TreeSet<String>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
