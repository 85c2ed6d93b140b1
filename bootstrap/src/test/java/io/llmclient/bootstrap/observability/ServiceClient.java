package io.llmclient.bootstrap.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.bootstrap.RunningServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Calls the running service over real HTTP, as an agent would, and remembers every response. */
public final class ServiceClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final RunningServer server;
    private final List<HttpResponse<String>> responses = new CopyOnWriteArrayList<>();

    public ServiceClient(RunningServer server) {
        this.server = server;
    }

    /** One server-sent event: its name and its data as JSON. */
    public record Event(String name, JsonNode data) {
    }

    /** A JSON-RPC call; the whole reply object. */
    public JsonNode rpc(String method, String params) {
        String body = """
                {"jsonrpc":"2.0","id":1,"method":"%s","params":%s}""".formatted(method, params);
        return json(post("/jsonrpc", body));
    }

    /** {@code llm.stream}; its events in order. */
    public List<Event> stream(String params) {
        String body = """
                {"jsonrpc":"2.0","id":1,"method":"llm.stream","params":%s}""".formatted(params);
        HttpResponse<String> response = post("/jsonrpc", body);
        var events = new ArrayList<Event>();
        for (String block : response.body().split("\n\n")) {
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
                events.add(new Event(name, parse(data.toString())));
            }
        }
        return events;
    }

    /** A plain (not streamed) OpenAI-compatible chat completion, with headers as name-value pairs. */
    public JsonNode openAiCompletion(String body, String... headers) {
        return json(post("/v1/chat/completions", body, headers));
    }

    /** A POST with headers given as name-value pairs. */
    public HttpResponse<String> post(String path, String body, String... headers) {
        try {
            var request = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json");
            for (int i = 0; i < headers.length; i += 2) {
                request.header(headers[i], headers[i + 1]);
            }
            HttpResponse<String> response = http.send(request
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            responses.add(response);
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Starts {@code llm.stream} on a raw socket, reads until the first chunk event has arrived,
     * and hangs up: a client going away mid-stream.
     */
    public void streamAndHangUp(String params) {
        byte[] body = """
                {"jsonrpc":"2.0","id":1,"method":"llm.stream","params":%s}""".formatted(params)
                .getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /jsonrpc HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            var seen = new StringBuilder();
            int next;
            while (!seen.toString().contains("event: chunk") && (next = in.read()) != -1) {
                seen.append((char) next);
            }
            if (!seen.toString().contains("event: chunk")) {
                throw new AssertionError("the stream ended before its first chunk:\n" + seen);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every response this client received, headers and body. */
    public List<HttpResponse<String>> responses() {
        return List.copyOf(responses);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private static JsonNode json(HttpResponse<String> response) {
        return parse(response.body());
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + text, e);
        }
    }
}
