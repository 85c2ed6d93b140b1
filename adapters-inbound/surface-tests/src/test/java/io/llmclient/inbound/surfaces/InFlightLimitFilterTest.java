package io.llmclient.inbound.surfaces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.webserver.WebServer;
import io.llmclient.inbound.support.TraceIdFilter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import io.llmclient.inbound.support.admission.InFlightLimitFilter;

/**
 * The in-flight limit on a real server: the routes behind it are stand-ins that hold a request
 * until the test lets it go, so "one request in flight" is a fact, not a race.
 */
class InFlightLimitFilterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private InFlightLimitFilter limit;
    private WebServer server;

    @BeforeEach
    void start() {
        limit = new InFlightLimitFilter(1, TestServer.refusals());
        server = WebServer.builder().host("127.0.0.1").port(0)
                .routing(routing -> routing
                        .addFilter(new TraceIdFilter())
                        .addFilter(limit)
                        .post("/jsonrpc", (req, res) -> {
                            req.content().consume();
                            if (req.headers().contains(io.helidon.http.HeaderNames.create("X-Hold"))) {
                                entered.countDown();
                                release.await(30, TimeUnit.SECONDS);
                            }
                            res.send("rpc reached");
                        })
                        .post("/v1/chat/completions", (req, res) -> res.send("completions reached"))
                        .get("/health", (req, res) -> res.send("health reached"))
                        .get("/metrics", (req, res) -> res.send("metrics reached")))
                .build().start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop();
    }

    private HttpRequest request(String method, String path, String... headers) {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{}")
                        : HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            request.headers(headers);
        }
        return request.build();
    }

    private HttpResponse<String> call(String method, String path, String... headers) throws Exception {
        return CLIENT.send(request(method, path, headers), HttpResponse.BodyHandlers.ofString());
    }

    /** Starts a request that stays in flight until {@link #release} opens. */
    private CompletableFuture<HttpResponse<String>> holdTheOnlySlot() throws InterruptedException {
        var held = CLIENT.sendAsync(request("POST", "/jsonrpc", "X-Hold", "1"), HttpResponse.BodyHandlers.ofString());
        assertTrue(entered.await(10, TimeUnit.SECONDS), "the held request never reached its route");
        return held;
    }

    @Test
    void oneJsonRpcRequestBeyondTheLimitGets503WithAnOverloadedError() throws Exception {
        var held = holdTheOnlySlot();
        var refused = call("POST", "/jsonrpc", "X-Trace-Id", "t-busy");
        assertEquals(503, refused.statusCode());
        assertEquals("1", refused.headers().firstValue("Retry-After").orElseThrow());
        assertEquals("t-busy", refused.headers().firstValue("X-Trace-Id").orElseThrow());
        assertEquals(JSON.readTree("""
                {"jsonrpc":"2.0","id":null,"error":{"code":-32006,
                 "message":"The service is at its limit of 1 requests in flight; retry shortly",
                 "data":{"type":"OverloadedError","max_concurrent_requests":1,"trace_id":"t-busy"}}}"""),
                JSON.readTree(refused.body()));
        release.countDown();
        assertEquals("rpc reached", held.get(10, TimeUnit.SECONDS).body());
    }

    @Test
    void oneOpenAiRequestBeyondTheLimitGets503InOpenAisShape() throws Exception {
        holdTheOnlySlot();
        var refused = call("POST", "/v1/chat/completions");
        assertEquals(503, refused.statusCode());
        assertEquals(JSON.readTree("""
                {"error":{"message":"The service is at its limit of 1 requests in flight; retry shortly",
                 "type":"server_error","param":null,"code":"overloaded"}}"""), JSON.readTree(refused.body()));
    }

    @Test
    void oneAnthropicRequestBeyondTheLimitGets529InAnthropicsShapeWithRequestId() throws Exception {
        holdTheOnlySlot();
        var refused = call("POST", "/v1/messages", "X-Trace-Id", "t-busy");
        assertEquals(529, refused.statusCode());
        assertEquals("t-busy", refused.headers().firstValue("request-id").orElseThrow());
        assertEquals(JSON.readTree("""
                {"type":"error","error":{"type":"overloaded_error",
                 "message":"The service is at its limit of 1 requests in flight; retry shortly"},
                 "request_id":"t-busy"}"""), JSON.readTree(refused.body()));
    }

    @Test
    void healthAndMetricsAnswerEvenWhenTheServiceIsFull() throws Exception {
        holdTheOnlySlot();
        assertEquals("health reached", call("GET", "/health").body());
        assertEquals("metrics reached", call("GET", "/metrics").body());
    }

    @Test
    void aFinishedRequestGivesItsSlotBack() throws Exception {
        var held = holdTheOnlySlot();
        release.countDown();
        held.get(10, TimeUnit.SECONDS);
        // The answer can reach the client a moment before the filter's finally gives the slot back.
        for (int waited = 0; limit.available() == 0 && waited < 1000; waited++) {
            Thread.sleep(10);
        }
        assertEquals(1, limit.available(), "the slot came back");
        assertEquals("completions reached", call("POST", "/v1/chat/completions").body());
    }

    @Test
    void aLimitBelowOneIsAProgrammingError() {
        assertThrows(IllegalArgumentException.class, () -> new InFlightLimitFilter(0, TestServer.refusals()));
    }
}
