package io.llmclient.bootstrap;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.stream.StreamEvent;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Item 8's fault-injection suite: 1,000 requests through the real service and the Anthropic
 * adapter against a WireMock upstream that resets connections, sends garbage, answers too late,
 * rate limits, is overloaded (529), closes streams half-way, or answers well. Every request
 * must end with success or the contract's error for its fault, none may hang or be lost, and
 * nothing (threads, queue places, active requests, connections) may be left behind.
 */
class FaultInjectionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path FIXTURES = Path.of("..", "adapters-providers", "anthropic", "src", "test",
            "resources", "fixtures", "anthropic");
    private static final String HAIKU = "claude-3-5-haiku-20241022";
    private static final int REQUESTS = 1_000;
    private static final int CONCURRENCY = 32;
    // Each request's budget: 3 attempts of at most 0.5 s plus waits of at most 10 ms, with room for a loaded CI box.
    private static final long BUDGET_SECONDS = 15;

    /** A fault the upstream plays, chosen by a word in the request, and what the caller must see. */
    private enum Fault8 {
        OK("success"),
        RESET("-32002"),
        EMPTY_REPLY("-32002"),
        GARBAGE_BODY("-32002"),
        SLOW_HEADERS("-32003"),
        RATE_LIMIT_STORM("-32004"),
        OVERLOADED_529("-32002"),
        STREAM_OK("success"),
        STREAM_CUT_MIDWAY("stream-failed");

        final String expected;

        Fault8(String expected) {
            this.expected = expected;
        }

        String word() {
            return "fault-" + name().toLowerCase(java.util.Locale.ROOT);
        }

        boolean streams() {
            return name().startsWith("STREAM");
        }
    }

    @TempDir
    Path dir;

    @Test
    void aThousandRequestsAcrossTheFaultsAllEndWithSuccessOrTheirContractError() throws Exception {
        var upstream = new WireMockServer(wireMockConfig().dynamicPort().containerThreads(200));
        upstream.start();
        HttpClient http = HttpClient.newHttpClient();
        try {
            stubFaults(upstream);
            var env = new HashMap<>(Map.of("SERVER_PORT", "0", "LLM_AUDIT_LOG_FILE", "audit.jsonl",
                    "ANTHROPIC_API_KEY", "sk-ant-faults-" + "f".repeat(40), "ANTHROPIC_BASE_URL", upstream.baseUrl(),
                    "LLM_REQUEST_TIMEOUT", "1.5", "LLM_CONNECT_TIMEOUT", "1", "LLM_MAX_RETRIES", "2",
                    "LLM_RATE_LIMIT_MAX_RETRIES", "2", "LLM_RETRY_INITIAL_DELAY", "0.001",
                    "LLM_RETRY_MAX_DELAY", "0.01"));
            // The breaker is tested on its own; here every request must reach the faults.
            env.put("LLM_CIRCUIT_FAILURE_THRESHOLD", "1000000");
            try (var server = LlmClientServer.start(env, dir)) {
                assertEquals("success", run(server, http, Fault8.OK, 0), "warm-up");
                int threadsBefore = platformThreads();
                // Servers started in one JVM share Helidon's meters: count from here on.
                double requestsBefore = requestsCounted(metrics(server, http));

                var outcomes = new TreeMap<String, Map<String, Integer>>();
                try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                    var gate = new Semaphore(CONCURRENCY);
                    var calls = new ArrayList<Future<String>>();
                    for (int i = 0; i < REQUESTS; i++) {
                        Fault8 fault = Fault8.values()[i % Fault8.values().length];
                        int n = i;
                        calls.add(pool.submit(() -> {
                            gate.acquire();
                            try {
                                return run(server, http, fault, n);
                            } finally {
                                gate.release();
                            }
                        }));
                    }
                    for (int i = 0; i < REQUESTS; i++) {
                        Fault8 fault = Fault8.values()[i % Fault8.values().length];
                        String outcome;
                        try {
                            outcome = calls.get(i).get(BUDGET_SECONDS + CONCURRENCY, TimeUnit.SECONDS);
                        } catch (TimeoutException hung) {
                            throw new AssertionError("request " + i + " (" + fault + ") hangs");
                        }
                        outcomes.computeIfAbsent(fault.name(), k -> new TreeMap<>()).merge(outcome, 1, Integer::sum);
                    }
                }
                var expected = new TreeMap<String, Map<String, Integer>>();
                for (Fault8 fault : Fault8.values()) {
                    long count = Stream.iterate(0, i -> i + 1).limit(REQUESTS)
                            .filter(i -> Fault8.values()[i % Fault8.values().length] == fault).count();
                    expected.put(fault.name(), Map.of(fault.expected, (int) count));
                }
                assertEquals(expected, outcomes);

                assertEquals(0, server.guards().waiting(ProviderId.ANTHROPIC), "no caller left in the queue");
                List<String> metrics = metrics(server, http);
                assertTrue(metrics.contains("llm_active_requests{provider=\"anthropic\",scope=\"application\"} 0.0"),
                        "no request left active");
                assertEquals(REQUESTS, requestsCounted(metrics) - requestsBefore, "every request counted once: none lost");
                assertTrue(connectionsTo(upstream.port()) <= CONCURRENCY * 2,
                        "pooled connections stay bounded: " + connectionsTo(upstream.port()));
                awaitThreadsSettle(threadsBefore);
            }
        } finally {
            upstream.stop();
        }
    }

    private static void stubFaults(WireMockServer upstream) throws IOException {
        String ok = Files.readString(FIXTURES.resolve("messages-response.json"));
        String stream = Files.readString(FIXTURES.resolve("messages-stream-docs.sse"));
        // The stream up to its first text delta, then the server closes it: no message_stop.
        String cut = stream.substring(0, stream.indexOf("\n\n", stream.indexOf("content_block_delta")) + 2);
        stub(upstream, Fault8.OK, json(200, ok));
        stub(upstream, Fault8.RESET, aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
        stub(upstream, Fault8.EMPTY_REPLY, aResponse().withFault(Fault.EMPTY_RESPONSE));
        stub(upstream, Fault8.GARBAGE_BODY, aResponse().withStatus(200).withHeader("content-type", "application/json")
                .withBody("<html><body>upstream proxy error</body></html>"));
        // Well past the timeout: a loaded machine must not turn a fast fault into a timeout, nor a slow one into an answer.
        stub(upstream, Fault8.SLOW_HEADERS, json(200, ok).withFixedDelay(5_000));
        stub(upstream, Fault8.RATE_LIMIT_STORM, json(429, Files.readString(FIXTURES.resolve("error-429.json")))
                .withHeader("retry-after-ms", "5"));
        stub(upstream, Fault8.OVERLOADED_529, json(529, Files.readString(FIXTURES.resolve("error-529-overloaded.json"))));
        stub(upstream, Fault8.STREAM_OK, sse(stream));
        stub(upstream, Fault8.STREAM_CUT_MIDWAY, sse(cut));
    }

    private static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("content-type", "application/json").withBody(body);
    }

    private static ResponseDefinitionBuilder sse(String body) {
        return aResponse().withStatus(200).withHeader("content-type", "text/event-stream").withBody(body);
    }

    private static void stub(WireMockServer upstream, Fault8 fault, ResponseDefinitionBuilder answer) {
        upstream.stubFor(post(urlEqualTo("/v1/messages")).withRequestBody(containing(fault.word())).willReturn(answer));
    }

    /** One request; its outcome is "success", the JSON-RPC error code, or "stream-failed" after a delta. */
    private static String run(RunningServer server, HttpClient http, Fault8 fault, int n) throws Exception {
        String content = fault.word() + " #" + n;
        if (fault.streams()) {
            var events = new ArrayList<StreamEvent>();
            try {
                server.service().stream(server.service().prepare(Map.of("model", HAIKU, "messages",
                        List.of(Map.of("role", "user", "content", content))), A2aContext.ofTrace("t-" + n)), events::add);
            } catch (LlmFailureException beforeFirstDelta) {
                return "thrown " + beforeFirstDelta.failure().type();
            }
            return switch (events.getLast()) {
                case StreamEvent.Completed done -> "success";
                case StreamEvent.Failed failed -> events.size() > 1 ? "stream-failed" : "failed " + failed.failure().type();
                case StreamEvent.Delta _, StreamEvent.ToolCallDelta _ -> "ended without an end event";
            };
        }
        String body = JSON.writeValueAsString(Map.of("jsonrpc", "2.0", "id", n, "method", "llm.complete",
                "params", Map.of("model", HAIKU, "messages", List.of(Map.of("role", "user", "content", content)))));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/jsonrpc"))
                .timeout(java.time.Duration.ofSeconds(BUDGET_SECONDS))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode reply = JSON.readTree(response.body());
        if (reply.has("result")) {
            return HAIKU.equals(reply.path("result").path("model").asText()) ? "success" : response.body();
        }
        return String.valueOf(reply.path("error").path("code").asInt());
    }

    private static List<String> metrics(RunningServer server, HttpClient http) throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        return Arrays.stream(body.split("\n")).map(line -> line.replace(",}", "}")).toList();
    }

    private static double requestsCounted(List<String> metrics) {
        return metrics.stream().filter(line -> line.startsWith("llm_requests_total{") && line.contains(HAIKU))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    // Established client connections to the upstream port, from the kernel's table (Linux).
    private static long connectionsTo(int port) throws IOException {
        String hexPort = String.format(":%04X", port);
        long count = 0;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path path = Path.of(table);
            if (Files.exists(path)) {
                count += Files.readAllLines(path).stream().skip(1).map(String::trim).map(line -> line.split("\\s+"))
                        .filter(fields -> fields[2].endsWith(hexPort) && fields[3].equals("01")).count();
            }
        }
        return count;
    }

    // The service's platform threads: WireMock's Jetty pool ("qtp...") and the test's own HTTP
    // client ("HttpClient-...") are the outside world and grow with the load by design.
    private static int platformThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> !name.startsWith("qtp") && !name.startsWith("HttpClient-")).count();
    }

    // Pools may keep an idle thread or two for a while; a leak grows with the requests (1,000).
    private static void awaitThreadsSettle(int before) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (platformThreads() > before + 8) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("platform threads grew from " + before + " to " + platformThreads() + ": "
                        + Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                        .filter(name -> !name.startsWith("qtp") && !name.startsWith("HttpClient-")).sorted().toList());
            }
            Thread.sleep(50);
        }
    }
}
