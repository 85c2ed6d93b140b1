package io.llmclient.inbound.surfaces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import io.llmclient.inbound.support.limit.InboundLimits;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Anthropic's {@code ping} event while a {@code /v1/messages} stream waits (contract section 14),
 * with a keep-alive interval of 50 ms, and the official SDK reading such a stream. Each test gets a
 * server of its own: the fake provider's latches open once.
 */
class AnthropicKeepAliveTest {
    private static final Duration KEEP_ALIVE = Duration.ofMillis(50);
    private static final String FIRST_DELTA = "data: {\"type\":\"content_block_delta\",\"index\":0,"
            + "\"delta\":{\"type\":\"text_delta\",\"text\":\"first\"}}";

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
    void aMessagesStreamWaitingBetweenTokensSendsAnthropicsPingEvents() throws IOException {
        var lines = new ArrayList<String>();
        try (var reader = new BufferedReader(new InputStreamReader(stream("ttft-model").body(),
                StandardCharsets.UTF_8))) {
            readUntil(reader, lines, FIRST_DELTA);
            readUntil(reader, lines, "event: ping");
            server.fake.firstSeen.countDown();
            readUntil(reader, lines, null);
        }

        int ping = lines.lastIndexOf("event: ping");
        assertEquals("data: {\"type\": \"ping\"}", lines.get(ping + 1), "byte for byte as Anthropic's: " + lines);
        assertFalse(lines.contains(": keep-alive"), "no comment keep-alives on the Anthropic surface");
        List<String> names = lines.stream().filter(line -> line.startsWith("event: "))
                .map(line -> line.substring("event: ".length())).filter(name -> !name.equals("ping")).toList();
        assertEquals(List.of("message_start", "content_block_start", "content_block_delta", "content_block_delta",
                "content_block_stop", "message_delta", "message_stop"), names);
    }

    @Test
    void theAnthropicSdkAccumulatesAStreamInterleavedWithPings() {
        server.fake.firstSeen.countDown();
        AnthropicClient anthropic = AnthropicOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + server.port())
                .apiKey("not-checked-test")
                .maxRetries(0)
                .build();
        MessageAccumulator accumulator = MessageAccumulator.create();
        var params = MessageCreateParams.builder().model("ttft-model").maxTokens(64).addUserMessage("Hello").build();
        try (StreamResponse<RawMessageStreamEvent> stream = anthropic.messages().createStreaming(params)) {
            stream.stream().forEach(accumulator::accumulate);
        } finally {
            anthropic.close();
        }

        assertEquals("first second", accumulator.message().content().getFirst().asText().text());
    }

    private HttpResponse<InputStream> stream(String model) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/messages"))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"max_tokens\":64,"
                        + "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))
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
}
