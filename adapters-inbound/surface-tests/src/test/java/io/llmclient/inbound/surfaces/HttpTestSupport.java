package io.llmclient.inbound.surfaces;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * Starts one server per test class and talks to it over real HTTP. After every test it checks
 * that the server still answers a valid call, so no bad input may leave it broken.
 */
abstract class HttpTestSupport {
    static final String TRACE_HEADER = "X-Trace-Id";
    // Numbers are compared exactly as written, so an echoed id 1.50 is not mistaken for 1.5.
    static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    static TestServer server;
    static HttpClient client;

    @BeforeAll
    static void startServer() {
        server = new TestServer();
        client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stopServer() {
        client.close();
        server.close();
    }

    @AfterEach
    void serverStillServes() {
        HttpResponse<String> response = post("""
                {"jsonrpc":"2.0","method":"llm.models","id":"alive"}""");
        assertEquals(200, response.statusCode(), "server must keep serving after the test's input");
        assertEquals("alive", parse(response.body()).get("id").textValue());
    }

    static HttpResponse<String> post(String body, String... headers) {
        return send(HttpRequest.BodyPublishers.ofString(body), headers);
    }

    static HttpResponse<String> send(HttpRequest.BodyPublisher body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/jsonrpc"))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .POST(body);
        if (headers.length > 0) {
            request.headers(headers);
        }
        return exchange(request.build());
    }

    static HttpResponse<String> postTo(String path, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return exchange(request.build());
    }

    static HttpResponse<String> get(String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20)).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return exchange(request.build());
    }

    static HttpResponse<String> exchange(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asserts a JSON response: status 200, JSON content type, and the whole body. */
    static void assertJsonBody(String expected, HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(parse(expected), parse(response.body()));
    }

    static String traceHeader(HttpResponse<?> response) {
        var values = response.headers().allValues(TRACE_HEADER);
        assertEquals(1, values.size(), "exactly one X-Trace-Id: " + values);
        return values.getFirst();
    }
}
