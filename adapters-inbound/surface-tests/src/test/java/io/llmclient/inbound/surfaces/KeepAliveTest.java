package io.llmclient.inbound.surfaces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.llmclient.inbound.support.limit.InboundLimits;
import io.llmclient.inbound.support.testing.ModelScriptedProvider;
import io.llmclient.inbound.support.testing.RawClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code : keep-alive} comment lines while a stream waits for its first token or the next one
 * (contract section 14), on both surfaces, with a keep-alive interval of 50 ms. Each test gets a
 * server of its own: the fake provider's latches open once.
 */
class KeepAliveTest {
    private static final Duration KEEP_ALIVE = Duration.ofMillis(50);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String KEEP_ALIVE_LINE = ": keep-alive";

    private TestServer server;
    private HttpClient client;

    @BeforeEach
    void start() {
        server = new TestServer(new InboundLimits(TestServer.MAX_BYTES, InboundLimits.DEFAULT_STREAM_WRITE_LIMIT,
                KEEP_ALIVE));
        client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void aJsonRpcStreamWaitingForItsFirstTokenSendsKeepAlivesBeforeIt() {
        server.fake.firstSeen.countDown();

        Body body = read(rpcStream("ttft-model"));

        assertEquals("text/event-stream", body.contentType());
        List<String> lines = body.lines();
        assertTrue(lines.indexOf(KEEP_ALIVE_LINE) >= 0, "a keep-alive: " + lines);
        assertTrue(lines.indexOf(KEEP_ALIVE_LINE) < lines.indexOf("event: chunk"), "before the first chunk: " + lines);
        List<Event> events = Event.parse(lines);
        assertEquals(List.of("chunk", "chunk", "done"), events.stream().map(Event::name).toList());
        assertEquals("first", json(events.get(0).data()).get("delta").textValue());
        assertEquals("first second", json(events.get(2).data()).at("/result/content").textValue());
    }

    @Test
    void aJsonRpcStreamWaitingBetweenTokensSendsKeepAlivesBetweenThem() {
        HttpResponse<InputStream> response = rpcStream("ttft-model");
        var lines = new ArrayList<String>();
        try (var reader = reader(response)) {
            readUntil(reader, lines, "data: {\"delta\":\"first\"}");
            readUntil(reader, lines, KEEP_ALIVE_LINE);
            server.fake.firstSeen.countDown();
            readUntil(reader, lines, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }

        assertEquals(Boolean.TRUE, server.fake.firstSeenBeforeSecond.get(), "the second token waited for the test");
        int first = lines.indexOf("data: {\"delta\":\"first\"}");
        int second = lines.indexOf("data: {\"delta\":\" second\"}");
        assertTrue(lines.subList(first, second).contains(KEEP_ALIVE_LINE), "a keep-alive between the tokens: " + lines);
        assertEquals(List.of("chunk", "chunk", "done"), Event.parse(lines).stream().map(Event::name).toList());
    }

    @Test
    void anOpenAiStreamWaitingForItsFirstChunkSendsKeepAlivesBeforeItAndTheRoleChunkStillComesFirst() {
        server.fake.firstSeen.countDown();

        Body body = read(chatStream("ttft-model"));

        assertEquals("text/event-stream", body.contentType());
        List<String> lines = body.lines();
        assertEquals(KEEP_ALIVE_LINE, lines.getFirst(), "the wait opened the stream with a keep-alive: " + lines);
        List<String> data = Event.parse(lines).stream().map(Event::data).toList();
        assertEquals("assistant", json(data.get(0)).at("/choices/0/delta/role").textValue(), data.toString());
        assertEquals("first", json(data.get(1)).at("/choices/0/delta/content").textValue());
        assertEquals(" second", json(data.get(2)).at("/choices/0/delta/content").textValue());
        assertEquals("stop", json(data.get(3)).at("/choices/0/finish_reason").textValue());
        assertEquals("[DONE]", data.getLast());
    }

    @Test
    void theOpenAiSdkReadsAStreamInterleavedWithKeepAlives() {
        server.fake.firstSeen.countDown();
        OpenAIClient openAi = OpenAIOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + server.port() + "/v1")
                .apiKey("not-checked")
                .maxRetries(0)
                .build();
        try (StreamResponse<ChatCompletionChunk> stream = openAi.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("ttft-model").addUserMessage("Hello").build())) {
            String content = stream.stream()
                    .flatMap(chunk -> chunk.choices().stream())
                    .map(choice -> choice.delta().content().orElse(""))
                    .collect(Collectors.joining());

            assertEquals("first second", content);
        } finally {
            openAi.close();
        }
    }

    @Test
    void aFailureAfterAKeepAliveOpenedAJsonRpcStreamEndsItWithAnErrorEvent() {
        Body body = read(rpcStream("latefail-model"));

        assertEquals("text/event-stream", body.contentType(), "the keep-alive opened the stream before the failure");
        assertEquals(KEEP_ALIVE_LINE, body.lines().getFirst());
        List<Event> events = Event.parse(body.lines());
        assertEquals(List.of("error"), events.stream().map(Event::name).toList());
        JsonNode error = json(events.getFirst().data());
        assertEquals(-32002, error.at("/error/code").intValue());
        assertEquals(7, error.get("id").intValue());
    }

    @Test
    void aFailureAfterAKeepAliveOpenedAnOpenAiStreamEndsItWithAnErrorChunkAndNoDone() {
        Body body = read(chatStream("latefail-model"));

        assertEquals("text/event-stream", body.contentType());
        assertEquals(KEEP_ALIVE_LINE, body.lines().getFirst());
        List<String> data = Event.parse(body.lines()).stream().map(Event::data).toList();
        assertEquals(1, data.size(), data.toString());
        assertEquals("provider_error", json(data.getFirst()).at("/error/code").textValue());
    }

    @Test
    void aFailureBeforeAnyKeepAliveIsStillAnOrdinaryErrorResponse() {
        // fail-model fails at once; a keep-alive interval of seconds keeps that true on a cold, busy JVM
        // (with 50 ms, the first test of a run could send a keep-alive before the failure).
        server.close();
        server = new TestServer(new InboundLimits(TestServer.MAX_BYTES, InboundLimits.DEFAULT_STREAM_WRITE_LIMIT,
                Duration.ofSeconds(10)));
        Body body = read(rpcStream("fail-model"));

        assertEquals("application/json", body.contentType());
        assertFalse(body.lines().contains(KEEP_ALIVE_LINE));
        assertEquals(-32002, json(String.join("\n", body.lines())).at("/error/code").intValue());
    }

    @Test
    void aClientThatLeftWhileTheStreamWaitedIsFoundByAKeepAliveSoItsFirstTokenIsRefused() throws Exception {
        ModelScriptedProvider.Counted held = server.fake.held;
        int cancelledBefore = server.metrics.errors("ClientCancelled");
        try (Socket socket = RawClient.post(server.port(), "/jsonrpc", rpcBody("hold-model"), 0)) {
            RawClient.readUntil(socket.getInputStream(), KEEP_ALIVE_LINE);
        }
        // TCP reports the hang-up at the first or second write after it: leave room for many keep-alives.
        Thread.sleep(Duration.ofSeconds(1));
        server.fake.released.countDown();

        RawClient.await(() -> held.finished.get() == 1, Duration.ofSeconds(10), "the held stream ended");
        assertEquals(1, held.sinkThrew.get(), "the sink refused a delta");
        assertEquals(0, held.accepted.get(), "the first delta was refused: the keep-alive had found the client gone");
        RawClient.await(() -> server.metrics.errors("ClientCancelled") == cancelledBefore + 1, Duration.ofSeconds(10),
                "the request was recorded as cancelled by the client");
    }

    private static String rpcBody(String model) {
        return "{\"jsonrpc\":\"2.0\",\"method\":\"llm.stream\",\"id\":7,\"params\":{\"model\":\"" + model
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}}";
    }

    private HttpResponse<InputStream> rpcStream(String model) {
        return post("/jsonrpc", rpcBody(model));
    }

    private HttpResponse<InputStream> chatStream(String model) {
        return post("/v1/chat/completions", "{\"model\":\"" + model
                + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
    }

    private HttpResponse<InputStream> post(String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static BufferedReader reader(HttpResponse<InputStream> response) {
        return new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    }

    /** The whole body as lines, with the response's content type. */
    private static Body read(HttpResponse<InputStream> response) {
        var lines = new ArrayList<String>();
        try (var reader = reader(response)) {
            readUntil(reader, lines, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Body(response.headers().firstValue("Content-Type").orElse(""), lines);
    }

    /** Reads lines into {@code lines} up to and including {@code marker}, or to the end when it is null. */
    private static void readUntil(BufferedReader reader, List<String> lines, String marker) throws IOException {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            lines.add(line);
            if (line.equals(marker)) {
                return;
            }
        }
        if (marker != null) {
            throw new IOException("stream ended before " + marker + ": " + lines);
        }
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Body(String contentType, List<String> lines) {
    }

    /** One SSE event as a parser sees it: comment lines skipped, {@code event:} and {@code data:} read. */
    private record Event(String name, String data) {
        static List<Event> parse(List<String> lines) {
            var events = new ArrayList<Event>();
            Optional<String> name = Optional.empty();
            var data = new ArrayList<String>();
            for (String line : lines) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        events.add(new Event(name.orElse("message"), String.join("\n", data)));
                    }
                    name = Optional.empty();
                    data.clear();
                } else if (line.startsWith("event: ")) {
                    name = Optional.of(line.substring("event: ".length()));
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
