package io.llmclient.bootstrap.telemetry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.llmclient.bootstrap.CapturedLogs;
import io.llmclient.bootstrap.LlmClientServer;
import io.llmclient.bootstrap.RunningServer;
import io.llmclient.bootstrap.observability.Scrape;
import io.llmclient.bootstrap.observability.ServiceClient;
import io.llmclient.bootstrap.observability.Upstreams;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Traces through the real service (contract sections 13 and 14): started with an OTLP endpoint on
 * loopback, driven over HTTP on every surface against WireMock upstreams, and judged by what the
 * collector received, decoded with the published OTLP protobuf definitions.
 */
class TracesEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT = "00f067aa0ba902b7";
    // Built at run time, so that no committed file holds anything key-shaped.
    private static final String KEY = "test-canary-" + UUID.randomUUID().toString().replace("-", "");

    @TempDir
    Path dir;

    private Map<String, String> env(Upstreams upstreams, OtlpReceiver collector) {
        var env = new HashMap<>(upstreams.env(KEY, KEY, KEY));
        env.putAll(Map.of("SERVER_PORT", "0", "LLM_AUDIT_LOG_FILE", "audit.jsonl",
                "OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint(), "OTEL_BSP_SCHEDULE_DELAY", "20",
                "OTEL_TRACES_SAMPLER", "always_on",
                "ALLOWED_MODELS", String.join(",", Upstreams.OPENAI_MODEL, Upstreams.ANTHROPIC_MODEL,
                        Upstreams.GEMINI_MODEL)));
        return env;
    }

    private static String traceparent(String trace) {
        return "00-" + trace + "-" + PARENT + "-01";
    }

    private static OtlpReceiver.Received server(List<OtlpReceiver.Received> spans, String trace) {
        return spans.stream().filter(span -> span.kind() == SpanKind.SPAN_KIND_SERVER && span.traceId().equals(trace))
                .findFirst().orElseThrow(() -> new AssertionError("no SERVER span in trace " + trace));
    }

    private static List<OtlpReceiver.Received> clients(List<OtlpReceiver.Received> spans, String trace) {
        return spans.stream().filter(span -> span.kind() == SpanKind.SPAN_KIND_CLIENT && span.traceId().equals(trace))
                .sorted(Comparator.comparingLong(span -> span.span().getStartTimeUnixNano())).toList();
    }

    private static boolean hasBoth(List<OtlpReceiver.Received> spans, String trace, int clients) {
        return spans.stream().anyMatch(span -> span.kind() == SpanKind.SPAN_KIND_SERVER && span.traceId().equals(trace))
                && clients(spans, trace).size() >= clients;
    }

    private static String upstreamTraceparent(List<LoggedRequest> requests, String trace) {
        return requests.stream().map(request -> request.getHeader("traceparent"))
                .filter(value -> value != null && value.contains(trace)).findFirst()
                .orElseThrow(() -> new AssertionError("no upstream request carried trace " + trace));
    }

    @Test
    void onEverySurfaceTheServerSpanIsTheCallersChildAndTheAttemptTheServerSpansWithItsTraceparentUpstream()
            throws Exception {
        try (var upstreams = new Upstreams(); var collector = new OtlpReceiver();
             RunningServer service = LlmClientServer.start(env(upstreams, collector), dir)) {
            var client = new ServiceClient(service);
            String jsonRpc = "11111111111111111111111111111111";
            String openAi = "22222222222222222222222222222222";
            String anthropic = "33333333333333333333333333333333";
            client.post("/jsonrpc", """
                    {"jsonrpc":"2.0","id":1,"method":"llm.complete","params":{"model":"gpt-4.1-mini",
                     "messages":[{"role":"user","content":"Hi"}]}}""", "traceparent", traceparent(jsonRpc));
            client.post("/v1/chat/completions", """
                    {"model":"gpt-4.1-mini","messages":[{"role":"user","content":"Hi"}]}""",
                    "traceparent", traceparent(openAi));
            client.post("/v1/messages", """
                    {"model":"claude-3-5-haiku-20241022","max_tokens":64,"messages":[{"role":"user","content":"Hi"}]}""",
                    "traceparent", traceparent(anthropic), "anthropic-version", "2023-06-01");

            List<OtlpReceiver.Received> spans = collector.awaitSpans(now -> hasBoth(now, jsonRpc, 1)
                    && hasBoth(now, openAi, 1) && hasBoth(now, anthropic, 1));
            for (var entry : Map.of(jsonRpc, List.of("POST /jsonrpc", "chat gpt-4.1-mini", "/v1/chat/completions"),
                    openAi, List.of("POST /v1/chat/completions", "chat gpt-4.1-mini", "/v1/chat/completions"),
                    anthropic, List.of("POST /v1/messages", "chat claude-3-5-haiku-20241022", "/v1/messages"))
                    .entrySet()) {
                String trace = entry.getKey();
                OtlpReceiver.Received server = server(spans, trace);
                assertEquals(entry.getValue().get(0), server.name());
                assertEquals(PARENT, server.parentSpanId(), "the SERVER span is the caller's span's child");
                OtlpReceiver.Received attempt = clients(spans, trace).getFirst();
                assertEquals(entry.getValue().get(1), attempt.name());
                assertEquals(server.spanId(), attempt.parentSpanId(), "the CLIENT span is the SERVER span's child");
                String sent = upstreamTraceparent(upstreams.received(entry.getValue().get(2)), trace);
                assertEquals(attempt.spanId(), sent.split("-")[2], "the upstream request carries the CLIENT span");
            }
            assertTrue(collector.contentTypes().stream().allMatch("application/x-protobuf"::equals),
                    collector.contentTypes()::toString);
        }
    }

    @Test
    void theAttemptCarriesTheContractsGenAiAndGatewayAttributes() throws Exception {
        Files.writeString(dir.resolve("policy.yaml"), """
                llm:
                  prices:
                    gpt-4.1-mini: {input: 0.40, output: 1.60}
                """);
        try (var upstreams = new Upstreams(); var collector = new OtlpReceiver()) {
            var env = env(upstreams, collector);
            env.put("LLM_CONFIG_FILE", "policy.yaml");
            try (RunningServer service = LlmClientServer.start(env, dir)) {
                new ServiceClient(service).post("/jsonrpc", """
                        {"jsonrpc":"2.0","id":1,"method":"llm.complete","params":{"model":"gpt-4.1-mini",
                         "messages":[{"role":"user","content":"Hi"}],"source_agent":"planner","session_id":"s-42"}}""",
                        "traceparent", traceparent(TRACE));
                List<OtlpReceiver.Received> spans = collector.awaitSpans(now -> hasBoth(now, TRACE, 1));
                Map<String, AnyValue> attributes = clients(spans, TRACE).getFirst().attributes();
                assertEquals("chat", attributes.get("gen_ai.operation.name").getStringValue());
                assertEquals("openai", attributes.get("gen_ai.provider.name").getStringValue());
                assertEquals("gpt-4.1-mini", attributes.get("gen_ai.request.model").getStringValue());
                // The upstream's own name for the model: what the recorded answer says.
                assertEquals(JSON.readTree(Upstreams.fixture("openai", "chat-response.json")).path("model").asText(),
                        attributes.get("gen_ai.response.model").getStringValue());
                assertEquals(19, attributes.get("gen_ai.usage.input_tokens").getIntValue());
                assertEquals(10, attributes.get("gen_ai.usage.output_tokens").getIntValue());
                assertEquals("stop", attributes.get("gen_ai.response.finish_reasons").getArrayValue().getValues(0)
                        .getStringValue());
                assertEquals("s-42", attributes.get("gen_ai.conversation.id").getStringValue());
                assertEquals("planner", attributes.get("llm.source_agent").getStringValue());
                assertEquals("anonymous", attributes.get("llm.principal").getStringValue());
                assertEquals(0.0000236, attributes.get("llm.cost_usd").getDoubleValue(), 1e-12);
                assertFalse(attributes.containsKey("error.type"));
                assertEquals("llm-client-service", server(spans, TRACE).resource().getAttributesList().stream()
                        .filter(kv -> kv.getKey().equals("service.name")).findFirst().orElseThrow().getValue()
                        .getStringValue());
            }
        }
    }

    @Test
    void aRetried429AndItsRetryAreTwoAttemptsInOrderEachSentWithItsOwnTraceparent() throws Exception {
        var openai = new WireMockServer(wireMockConfig().dynamicPort());
        openai.start();
        try (var upstreams = new Upstreams(); var collector = new OtlpReceiver()) {
            openai.stubFor(post(urlPathEqualTo("/v1/chat/completions")).inScenario("429 once")
                    .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("answered")
                    .willReturn(aResponse().withStatus(429).withHeader("Content-Type", "application/json")
                            .withBody("{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit\"}}")));
            openai.stubFor(post(urlPathEqualTo("/v1/chat/completions")).inScenario("429 once")
                    .whenScenarioStateIs("answered")
                    .willReturn(Upstreams.json(200, Upstreams.fixture("openai", "chat-response.json"))));
            var env = env(upstreams, collector);
            env.put("OPENAI_BASE_URL", openai.baseUrl() + "/v1");
            env.put("LLM_RETRY_INITIAL_DELAY", "0");
            try (RunningServer service = LlmClientServer.start(env, dir)) {
                HttpResponse<String> answer = new ServiceClient(service).post("/v1/chat/completions", """
                        {"model":"gpt-4.1-mini","messages":[{"role":"user","content":"Hi"}]}""",
                        "traceparent", traceparent(TRACE));
                assertEquals(200, answer.statusCode(), answer.body());
                List<OtlpReceiver.Received> spans = collector.awaitSpans(now -> hasBoth(now, TRACE, 2));
                List<OtlpReceiver.Received> attempts = clients(spans, TRACE);
                assertEquals(2, attempts.size());
                assertEquals("RateLimitedError", attempts.get(0).string("error.type").orElseThrow());
                assertTrue(attempts.get(1).string("error.type").isEmpty());
                assertEquals(List.of(attempts.get(0).spanId(), attempts.get(1).spanId()),
                        openai.getAllServeEvents().stream().map(event -> event.getRequest())
                                .sorted(Comparator.comparing(LoggedRequest::getLoggedDate))
                                .map(request -> request.getHeader("traceparent").split("-")[2]).toList());
            }
        } finally {
            openai.stop();
        }
    }

    @Test
    void aStreamsAttemptEndsWithItsUsageWhenTheStreamEnds() throws Exception {
        try (var upstreams = new Upstreams(); var collector = new OtlpReceiver();
             RunningServer service = LlmClientServer.start(env(upstreams, collector), dir)) {
            new ServiceClient(service).post("/jsonrpc", """
                    {"jsonrpc":"2.0","id":1,"method":"llm.stream","params":{"model":"gpt-4.1-mini",
                     "messages":[{"role":"user","content":"Hi"}]}}""", "traceparent", traceparent(TRACE));
            List<OtlpReceiver.Received> spans = collector.awaitSpans(now -> hasBoth(now, TRACE, 1));
            OtlpReceiver.Received attempt = clients(spans, TRACE).getFirst();
            assertTrue(attempt.attributes().get("gen_ai.usage.output_tokens").getIntValue() > 0,
                    attempt.attributes()::toString);
            assertTrue(attempt.span().getEndTimeUnixNano() <= server(spans, TRACE).span().getEndTimeUnixNano());
        }
    }

    @Test
    void aBatchsCallsAreEachAnAttemptUnderTheBatchsOneServerSpan() throws Exception {
        try (var upstreams = new Upstreams(); var collector = new OtlpReceiver();
             RunningServer service = LlmClientServer.start(env(upstreams, collector), dir)) {
            HttpResponse<String> answer = new ServiceClient(service).post("/jsonrpc", """
                    [{"jsonrpc":"2.0","id":1,"method":"llm.complete","params":{"model":"gpt-4.1-mini",
                      "messages":[{"role":"user","content":"one"}]}},
                     {"jsonrpc":"2.0","id":2,"method":"llm.complete","params":{"model":"claude-3-5-haiku-20241022",
                      "messages":[{"role":"user","content":"two"}]}},
                     {"jsonrpc":"2.0","id":3,"method":"llm.complete","params":{"model":"gemini-1.5-flash",
                      "messages":[{"role":"user","content":"three"}]}}]""", "traceparent", traceparent(TRACE));
            assertEquals(200, answer.statusCode(), answer.body());
            List<OtlpReceiver.Received> spans = collector.awaitSpans(now -> hasBoth(now, TRACE, 3));
            OtlpReceiver.Received server = server(spans, TRACE);
            assertEquals(1, spans.stream().filter(span -> span.kind() == SpanKind.SPAN_KIND_SERVER).count());
            List<OtlpReceiver.Received> attempts = clients(spans, TRACE);
            assertEquals(List.of("chat claude-3-5-haiku-20241022", "chat gemini-1.5-flash", "chat gpt-4.1-mini"),
                    attempts.stream().map(OtlpReceiver.Received::name).sorted().toList());
            assertTrue(attempts.stream().allMatch(attempt -> attempt.parentSpanId().equals(server.spanId())),
                    "every call of the batch is under the batch's SERVER span");
        }
    }

    @Test
    void streamsOnTheOpenAiAndAnthropicSurfacesEndTheirAttemptsWithUsage() throws Exception {
        String openAi = "44444444444444444444444444444444";
        String anthropic = "55555555555555555555555555555555";
        try (var upstreams = new Upstreams(); var collector = new OtlpReceiver();
             RunningServer service = LlmClientServer.start(env(upstreams, collector), dir)) {
            var client = new ServiceClient(service);
            client.post("/v1/chat/completions", """
                    {"model":"gpt-4.1-mini","stream":true,"messages":[{"role":"user","content":"Hi"}]}""",
                    "traceparent", traceparent(openAi));
            client.post("/v1/messages", """
                    {"model":"claude-3-5-haiku-20241022","max_tokens":64,"stream":true,
                     "messages":[{"role":"user","content":"Hi"}]}""",
                    "traceparent", traceparent(anthropic), "anthropic-version", "2023-06-01");
            List<OtlpReceiver.Received> spans = collector.awaitSpans(now -> hasBoth(now, openAi, 1)
                    && hasBoth(now, anthropic, 1));
            for (String trace : List.of(openAi, anthropic)) {
                OtlpReceiver.Received attempt = clients(spans, trace).getFirst();
                assertEquals(server(spans, trace).spanId(), attempt.parentSpanId());
                assertTrue(attempt.attributes().get("gen_ai.usage.output_tokens").getIntValue() > 0,
                        attempt.attributes()::toString);
                assertTrue(attempt.string("error.type").isEmpty(), attempt.attributes()::toString);
            }
        }
    }

    @Test
    void aGeneratedTraceIdIsTheW3cTraceIdOfTheEchoTheLogLineTheAuditEntryAndTheTrace() throws Exception {
        try (var upstreams = new Upstreams(); var collector = new OtlpReceiver(); var logs = CapturedLogs.capture();
             RunningServer service = LlmClientServer.start(env(upstreams, collector), dir)) {
            var client = new ServiceClient(service);
            HttpResponse<String> served = client.post("/jsonrpc", """
                    {"jsonrpc":"2.0","id":1,"method":"llm.complete","params":{"model":"gpt-4.1-mini",
                     "messages":[{"role":"user","content":"Hi"}]}}""");
            String echoed = served.headers().firstValue("X-Trace-Id").orElseThrow();
            assertTrue(echoed.matches("[0-9a-f]{32}"), echoed);
            assertEquals(echoed, JSON.readTree(served.body()).at("/result/trace_id").asText());
            HttpResponse<String> refused = client.post("/jsonrpc", """
                    {"jsonrpc":"2.0","id":2,"method":"llm.complete","params":{"model":"gpt-5-mini",
                     "messages":[{"role":"user","content":"Hi"}]}}""");
            String refusedTrace = refused.headers().firstValue("X-Trace-Id").orElseThrow();

            List<OtlpReceiver.Received> spans = collector.awaitSpans(now -> hasBoth(now, echoed, 1)
                    && now.stream().anyMatch(span -> span.traceId().equals(refusedTrace)));
            assertEquals(echoed, server(spans, echoed).string("llm.trace_id").orElseThrow());
            List<String> requestLines = new ArrayList<>();
            for (String line : logs.lines()) {
                JsonNode json = JSON.readTree(line);
                if (json.path("logger").asText().equals("io.llmclient.request")) {
                    requestLines.add(json.path("trace_id").asText());
                }
            }
            assertTrue(requestLines.contains(echoed), requestLines::toString);
            List<String> audited = Files.readAllLines(dir.resolve("audit.jsonl")).stream()
                    .map(line -> {
                        try {
                            return JSON.readTree(line).path("trace_id").asText();
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }).toList();
            assertEquals(List.of(refusedTrace), audited);
        }
    }

    @Test
    void aCallersOwnTraceIdIsKeptAndRecordedOnTheServerSpan() throws Exception {
        try (var upstreams = new Upstreams(); var collector = new OtlpReceiver();
             RunningServer service = LlmClientServer.start(env(upstreams, collector), dir)) {
            HttpResponse<String> served = new ServiceClient(service).post("/jsonrpc", """
                    {"jsonrpc":"2.0","id":1,"method":"llm.complete","params":{"model":"gpt-4.1-mini",
                     "messages":[{"role":"user","content":"Hi"}],"trace_id":"agent-run-7"}}""",
                    "traceparent", traceparent(TRACE));
            assertEquals("agent-run-7", JSON.readTree(served.body()).at("/result/trace_id").asText());
            List<OtlpReceiver.Received> spans = collector.awaitSpans(now -> hasBoth(now, TRACE, 1));
            assertEquals("agent-run-7", server(spans, TRACE).string("llm.trace_id").orElseThrow());
        }
    }

    @Test
    void noPromptAnswerOrKeyIsInAnyExportedAttribute() throws Exception {
        String prompt = "canary-prompt-" + UUID.randomUUID();
        String answer = "Hello! How can I assist you today?";
        try (var upstreams = new Upstreams(); var collector = new OtlpReceiver();
             RunningServer service = LlmClientServer.start(env(upstreams, collector), dir)) {
            var client = new ServiceClient(service);
            for (String model : List.of(Upstreams.OPENAI_MODEL, Upstreams.ANTHROPIC_MODEL, Upstreams.GEMINI_MODEL)) {
                String params = """
                        {"model":"%s","messages":[{"role":"user","content":"%s"}],"source_agent":"canary"}"""
                        .formatted(model, prompt);
                client.rpc("llm.complete", params);
                client.stream(params);
                client.post("/v1/chat/completions", params.replace(",\"source_agent\":\"canary\"", ""));
            }
            client.post("/v1/messages", """
                    {"model":"claude-3-5-haiku-20241022","max_tokens":64,"messages":[{"role":"user","content":"%s"}]}"""
                    .formatted(prompt), "anthropic-version", "2023-06-01");
            List<OtlpReceiver.Received> spans = collector.awaitSpans(now -> now.stream()
                    .filter(span -> span.kind() == SpanKind.SPAN_KIND_CLIENT).count() >= 10);
            for (OtlpReceiver.Received span : spans) {
                String everything = span.everything();
                assertFalse(everything.contains(prompt), () -> "the prompt in " + everything);
                assertFalse(everything.contains(answer), () -> "the answer in " + everything);
                assertFalse(everything.contains(KEY), () -> "the key in " + everything);
                assertFalse(everything.contains(KEY.substring(KEY.length() - 12)), () -> "part of the key in "
                        + everything);
            }
        }
    }

    @Test
    void aCollectorThatNeverAnswersHoldsNoRequestAndTheSpansItLosesAreCounted() throws Exception {
        var held = new CopyOnWriteArrayList<Socket>();
        try (var silent = new ServerSocket(0); var upstreams = new Upstreams(); var collector = new OtlpReceiver()) {
            // Accepts connections and never answers: a collector that hangs.
            Thread.ofVirtual().start(() -> {
                while (!silent.isClosed()) {
                    try {
                        held.add(silent.accept());
                    } catch (java.io.IOException closed) {
                        return;
                    }
                }
            });
            var env = env(upstreams, collector);
            env.put("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + silent.getLocalPort());
            env.put("OTEL_EXPORTER_OTLP_TIMEOUT", "300");
            env.put("OTEL_BSP_MAX_QUEUE_SIZE", "2");
            env.put("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "1");
            try (RunningServer service = LlmClientServer.start(env, dir)) {
                var client = new ServiceClient(service);
                for (int i = 0; i < 30; i++) {
                    HttpResponse<String> response = client.post("/v1/chat/completions", """
                            {"model":"gpt-4.1-mini","messages":[{"role":"user","content":"Hi"}]}""");
                    assertEquals(200, response.statusCode(), response.body());
                }
                long deadline = System.nanoTime() + 20_000_000_000L;
                double dropped = 0;
                while (dropped == 0 && System.nanoTime() < deadline) {
                    dropped = Scrape.of(service).counter("llm_trace_spans_dropped_total", Map.of());
                    Thread.sleep(50);
                }
                assertTrue(dropped > 0, "spans the collector never got are counted");
            }
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }
}
