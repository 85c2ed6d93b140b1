package io.llmclient.bootstrap.governance;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.llmclient.bootstrap.RunningServer;
import io.llmclient.domain.governance.GovernancePolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * Calls a running service as a governed caller would: every request carries the caller's key.
 * Numbers are read as {@link BigDecimal}, so money compares exactly.
 */
final class GovernanceWire {
    static final ObjectMapper JSON = JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();
    /** The test price of {@code sim-fast}: USD per million tokens. */
    static final BigDecimal INPUT = new BigDecimal("0.10");
    static final BigDecimal OUTPUT = new BigDecimal("0.40");

    private final HttpClient http = HttpClient.newHttpClient();
    private final IntSupplier port;

    GovernanceWire(RunningServer server) {
        this.port = server::port;
    }

    /** For a service in another process, listening on {@code port}. */
    GovernanceWire(int port) {
        this.port = () -> port;
    }

    /** A canary-looking key for a key id: recognisable if it ever leaked. */
    static String key(String id) {
        return "llmk_test-canary-" + id + "-0123456789abcdef";
    }

    /** The {@code llm.keys} entry head of a key id: id and digest. */
    static String entry(String id) {
        return "    - id: " + id + "\n      sha256: \"" + GovernancePolicy.sha256(key(id)) + "\"\n";
    }

    /** The cost of a {@code sim-fast} call with this usage, as the contract computes it. */
    static BigDecimal cost(JsonNode usage) {
        return INPUT.multiply(BigDecimal.valueOf(usage.path("prompt_tokens").asLong()))
                .add(OUTPUT.multiply(BigDecimal.valueOf(usage.path("completion_tokens").asLong())))
                .movePointLeft(6);
    }

    static String params(String model, int maxTokens) {
        return """
                {"model":"%s","max_tokens":%d,"messages":[{"role":"user","content":"Hi"}]}""".formatted(model, maxTokens);
    }

    static String openAi(String model, int maxTokens, boolean stream) {
        return """
                {"model":"%s","max_tokens":%d,"stream":%s,"stream_options":%s,
                 "messages":[{"role":"user","content":"Hi"}]}""".formatted(model, maxTokens, stream,
                stream ? "{\"include_usage\":true}" : "null");
    }

    HttpResponse<String> post(String path, String body, String key, String... headers) {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.getAsInt() + path))
                .header("Content-Type", "application/json");
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return http.send(request.POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> get(String path, String key) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.getAsInt() + path))
                    .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A JSON-RPC call; the raw HTTP response. */
    HttpResponse<String> rpcResponse(String key, String method, String params, String... headers) {
        String body = params == null ? """
                {"jsonrpc":"2.0","id":1,"method":"%s"}""".formatted(method) : """
                {"jsonrpc":"2.0","id":1,"method":"%s","params":%s}""".formatted(method, params);
        return post("/jsonrpc", body, key, headers);
    }

    /** A JSON-RPC call; the reply object (for a stream that was refused before it started, its error). */
    JsonNode rpc(String key, String method, String params, String... headers) {
        return parse(rpcResponse(key, method, params, headers).body());
    }

    /** The caller's {@code llm.quota} result. */
    JsonNode quota(String key) {
        JsonNode reply = rpc(key, "llm.quota", null);
        if (!reply.has("result")) {
            throw new AssertionError("llm.quota failed: " + reply);
        }
        return reply.path("result");
    }

    static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + text, e);
        }
    }

    /** The {@code data:} payloads of a server-sent event stream, each with its event name. */
    static List<Event> events(String body) {
        var events = new ArrayList<Event>();
        for (String block : body.split("\n\n")) {
            String name = "message";
            var data = new StringBuilder();
            for (String line : block.split("\n")) {
                if (line.startsWith("event: ")) {
                    name = line.substring("event: ".length());
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring("data: ".length()));
                }
            }
            if (!data.isEmpty()) {
                events.add(new Event(name, data.toString()));
            }
        }
        return events;
    }

    record Event(String name, String data) {
        JsonNode json() {
            return parse(data);
        }
    }
}
