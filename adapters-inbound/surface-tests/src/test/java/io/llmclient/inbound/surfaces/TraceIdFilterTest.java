package io.llmclient.inbound.surfaces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.webserver.WebServer;
import io.llmclient.inbound.support.TraceIdFilter;
import io.llmclient.inbound.support.context.A2aHeaders;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The trace id of a request that sent none is drawn once, by the filter, and every later reader
 * of the request (here a route asking for the request's generated trace id) gets that one.
 */
class TraceIdFilterTest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final String UUID_V4 = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";
    private WebServer server;

    @BeforeEach
    void start() {
        server = WebServer.builder().host("127.0.0.1").port(0)
                .routing(routing -> routing
                        .addFilter(new TraceIdFilter())
                        .get("/generated", (req, res) -> res.send(A2aHeaders.newTraceId())))
                .build().start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private HttpResponse<String> get(String... headers) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/generated"));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aRequestWithoutATraceIdGetsOneUuidThatLaterReadersOfTheRequestShare() throws Exception {
        var first = get();
        String header = first.headers().firstValue("X-Trace-Id").orElseThrow();
        assertTrue(header.matches(UUID_V4), header);
        assertEquals(header, first.body(), "the route reads the id the filter drew, not a new one");
        assertNotEquals(header, get().headers().firstValue("X-Trace-Id").orElseThrow(), "one per request");
    }

    @Test
    void aWellFormedTraceIdSentIsEchoedAndAMalformedOneIsReplaced() throws Exception {
        assertEquals("t-sent", get("X-Trace-Id", "t-sent").headers().firstValue("X-Trace-Id").orElseThrow());
        String replaced = get("X-Trace-Id", "bad id with spaces").headers().firstValue("X-Trace-Id").orElseThrow();
        assertTrue(replaced.matches(UUID_V4), replaced);
    }
}
