package io.llmclient.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code LLM_SSE_KEEPALIVE} on the whole service: the simulator takes about a second to its first
 * token, the keep-alive interval is 0.2 s, and both streaming surfaces send {@code : keep-alive}
 * comment lines before the first chunk, with the events after them intact.
 */
class SseKeepAliveTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEEP_ALIVE = ": keep-alive";
    private static final String MESSAGES = "[{\"role\":\"user\",\"content\":\"Say something short\"}]";

    private final HttpClient http = HttpClient.newHttpClient();
    private RunningServer server;

    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        var env = new HashMap<>(Map.of("SERVER_PORT", "0", "LLM_AUDIT_LOG_FILE", "audit.jsonl",
                "LLM_SSE_KEEPALIVE", "0.2", "LLM_SIMULATOR_TTFT_MS", "1000", "LLM_SIMULATOR_INTER_TOKEN_MS", "0"));
        server = LlmClientServer.start(env, dir);
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void aJsonRpcStreamSendsKeepAlivesBeforeItsFirstChunkAndItsEventsStayIntact() throws Exception {
        List<String> lines = lines(post("/jsonrpc", """
                {"jsonrpc":"2.0","id":1,"method":"llm.stream","params":{"model":"sim-fast","max_tokens":8,
                 "messages":%s}}""".formatted(MESSAGES)));

        int firstChunk = lines.indexOf("event: chunk");
        assertTrue(firstChunk > 0, "a chunk: " + lines);
        assertTrue(lines.subList(0, firstChunk).contains(KEEP_ALIVE), "keep-alives before the first chunk: " + lines);
        List<Event> events = Event.parse(lines);
        var text = new StringBuilder();
        for (Event event : events.subList(0, events.size() - 1)) {
            assertEquals("chunk", event.name());
            text.append(JSON.readTree(event.data()).get("delta").asText());
        }
        assertEquals("done", events.getLast().name());
        JsonNode done = JSON.readTree(events.getLast().data());
        assertEquals(1, done.get("id").asInt());
        assertEquals(done.at("/result/content").asText(), text.toString(), "the chunks add up to the result");
        assertEquals(complete(), text.toString(), "the same text as the call not streamed");
    }

    @Test
    void anOpenAiStreamSendsKeepAlivesBeforeItsFirstChunkAndItsChunksStayIntact() throws Exception {
        List<String> lines = lines(post("/v1/chat/completions", """
                {"model":"sim-fast","stream":true,"max_tokens":8,"messages":%s}""".formatted(MESSAGES)));

        int firstData = -1;
        for (int i = 0; i < lines.size() && firstData < 0; i++) {
            firstData = lines.get(i).startsWith("data: ") ? i : -1;
        }
        assertTrue(firstData > 0, "chunks: " + lines);
        assertTrue(lines.subList(0, firstData).contains(KEEP_ALIVE), "keep-alives before the first chunk: " + lines);
        List<String> data = Event.parse(lines).stream().map(Event::data).toList();
        assertEquals("[DONE]", data.getLast());
        assertEquals("assistant", JSON.readTree(data.getFirst()).at("/choices/0/delta/role").asText());
        var text = new StringBuilder();
        for (String chunk : data.subList(0, data.size() - 1)) {
            text.append(JSON.readTree(chunk).at("/choices/0/delta/content").asText(""));
        }
        assertEquals(complete(), text.toString());
    }

    @Test
    void theOpenAiSdkStreamsThroughTheKeepAlives() {
        OpenAIClient openAi = OpenAIOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + server.port() + "/v1")
                .apiKey("not-checked")
                .maxRetries(0)
                .build();
        try (StreamResponse<ChatCompletionChunk> stream = openAi.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("sim-fast").maxCompletionTokens(8)
                        .addUserMessage("Say something short").build())) {
            String content = stream.stream()
                    .flatMap(chunk -> chunk.choices().stream())
                    .map(choice -> choice.delta().content().orElse(""))
                    .collect(Collectors.joining());

            assertEquals(complete(), content);
        } finally {
            openAi.close();
        }
    }

    /** The simulator's text for the same request, not streamed (it is deterministic). */
    private String complete() {
        try {
            HttpResponse<InputStream> response = post("/jsonrpc", """
                    {"jsonrpc":"2.0","id":2,"method":"llm.complete","params":{"model":"sim-fast","max_tokens":8,
                     "messages":%s}}""".formatted(MESSAGES));
            try (InputStream body = response.body()) {
                return JSON.readTree(body).at("/result/content").asText();
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private HttpResponse<InputStream> post(String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The SSE body as the client received it, line by line. */
    private static List<String> lines(HttpResponse<InputStream> response) throws IOException {
        assertEquals(200, response.statusCode());
        assertEquals("text/event-stream", response.headers().firstValue("Content-Type").orElseThrow());
        var lines = new ArrayList<String>();
        try (var reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** One SSE event as a parser reads it: comment lines skipped. */
    private record Event(String name, String data) {
        static List<Event> parse(List<String> lines) {
            var events = new ArrayList<Event>();
            String name = "message";
            var data = new ArrayList<String>();
            for (String line : lines) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        events.add(new Event(name, String.join("\n", data)));
                    }
                    name = "message";
                    data.clear();
                } else if (line.startsWith("event: ")) {
                    name = line.substring("event: ".length());
                } else if (line.startsWith("data: ")) {
                    data.add(line.substring("data: ".length()));
                } else if (!line.startsWith(":")) {
                    throw new AssertionError("not an SSE line: " + line);
                }
            }
            return events;
        }
    }
}
