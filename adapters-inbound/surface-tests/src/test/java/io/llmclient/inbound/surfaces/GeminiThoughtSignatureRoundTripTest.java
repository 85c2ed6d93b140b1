package io.llmclient.inbound.surfaces;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.helidon.webserver.WebServer;
import io.llmclient.application.registry.ProviderRegistry;
import io.llmclient.application.service.LlmService;
import io.llmclient.application.telemetry.MetricsSnapshot;
import io.llmclient.application.testing.ProviderSettingsFixtures;
import io.llmclient.domain.catalog.ModelCatalog;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.governance.AllowList;
import io.llmclient.domain.selection.ModelPolicy;
import io.llmclient.inbound.openai.OpenAiCompatibleEndpoint;
import io.llmclient.inbound.support.TraceIdFilter;
import io.llmclient.inbound.support.limit.InboundLimits;
import io.llmclient.inbound.support.testing.RecordingMetrics;
import io.llmclient.jsonrpc.JsonRpcEndpoint;
import io.llmclient.provider.gemini.GeminiProviderFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Gemini 3 tool round trip through the whole inbound side: both surfaces, the real service and
 * the real Gemini adapter, WireMock speaking Gemini's wire. The first answer's
 * {@code thoughtSignature} must leave the service as {@code extra_content.google.thought_signature},
 * and the follow-up the client builds from that answer must reach Gemini with the signature back
 * on its {@code functionCall} part: without it Gemini 3 answers the follow-up with a 400.
 */
class GeminiThoughtSignatureRoundTripTest {
    @RegisterExtension
    static final WireMockExtension GEMINI = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort()).build();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "gemini-3-test";
    private static final String GENERATE = "/v1beta/models/" + MODEL + ":generateContent";
    private static final String STREAM = "/v1beta/models/" + MODEL + ":streamGenerateContent";
    /** Opaque base64, like the recorded one in the Gemini adapter's fixtures. */
    private static final String SIGNATURE = "CuACAY89a1+test/ZNGNzPatCI8Ynt9sgYWVuDgS+7Pu5dnSISZKld2rcTFJY+GARHbenx5hw4dZ2S4==";
    /** The recorded function-call answer (provider-gemini's generate-response-function-call.json), shortened. */
    private static final String CALLING = """
            {"candidates":[{"content":{"parts":[{"functionCall":{"args":{"brightness":50,"colorTemperature":"warm"},\
            "name":"controlLight"},"thoughtSignature":"%s"}],"role":"model"},"finishReason":"STOP"}],\
            "modelVersion":"gemini-3-test-001","responseId":"GHGNaZ2wAsXchMIP4oTLkAU",\
            "usageMetadata":{"candidatesTokenCount":7,"promptTokenCount":74,"thoughtsTokenCount":73}}""".formatted(SIGNATURE);
    private static final String ANSWERED = """
            {"candidates":[{"content":{"parts":[{"text":"The light is warm at 50."}],"role":"model"},"finishReason":"STOP"}],\
            "modelVersion":"gemini-3-test-001","responseId":"second",\
            "usageMetadata":{"candidatesTokenCount":8,"promptTokenCount":90}}""";
    private static final String TOOLS = """
            "tools":[{"type":"function","function":{"name":"controlLight","parameters":{"type":"object",\
            "properties":{"brightness":{"type":"number"},"colorTemperature":{"type":"string"}}}}}]""";
    private static final String QUESTION = "{\"role\":\"user\",\"content\":\"control the light to warm, 50\"}";
    private static final String RESULT = """
            {"role":"tool","tool_call_id":"call_GHGNaZ2wAsXchMIP4oTLkAU_0","content":"{\\"ok\\":true}"}""";
    /** What Gemini must receive as the follow-up: the call replayed with its signature on the same part. */
    private static final String FOLLOW_UP_CONTENTS = """
            [{"parts":[{"text":"control the light to warm, 50"}],"role":"user"},
             {"parts":[{"functionCall":{"name":"controlLight","args":{"brightness":50,"colorTemperature":"warm"}},
                        "thoughtSignature":"%s"}],"role":"model"},
             {"parts":[{"functionResponse":{"name":"controlLight","response":{"ok":true}}}],"role":"user"}]"""
            .formatted(SIGNATURE);

    private static WebServer server;
    private static HttpClient client;

    @BeforeAll
    static void start() {
        var catalog = new ModelCatalog(List.of(ModelEntry.of(MODEL, ProviderId.GEMINI, ModelTier.FAST)));
        var policy = new ModelPolicy(catalog, new AllowList(List.of(MODEL)), Map.of(ModelTier.FAST, List.of(MODEL)),
                Map.of(), List.of(ProviderId.GEMINI), MODEL);
        var registry = new ProviderRegistry(List.of(new GeminiProviderFactory()),
                id -> ProviderSettingsFixtures.builder(id).apiKey("AIza-test-canary-signature-round-trip")
                        .baseUrl(GEMINI.baseUrl()).requestTimeout(Duration.ofSeconds(10)).build());
        var service = LlmService.builder().policy(policy).registry(registry).metrics(new RecordingMetrics())
                .audit(violation -> { }).requestLog(new TestServer.QuietLog()).time(new TestServer.FrozenTime())
                .build();
        var limits = new InboundLimits(TestServer.MAX_BYTES);
        server = WebServer.builder().port(0).host("127.0.0.1")
                .routing(routing -> routing.addFilter(new TraceIdFilter())
                        .addFilter(TestServer.bodyFilter(limits.maxRequestBytes()))
                        .register(new JsonRpcEndpoint(service, limits, () -> new MetricsSnapshot(List.of())))
                        .register(new OpenAiCompatibleEndpoint(service, limits, TestServer.STARTED,
                                Clock.fixed(TestServer.NOW, java.time.ZoneOffset.UTC))))
                .build().start();
        client = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.stop();
    }

    @BeforeEach
    void gemini() {
        GEMINI.stubFor(post(urlPathEqualTo(GENERATE)).withRequestBody(notContaining("functionResponse"))
                .willReturn(json(CALLING)));
        GEMINI.stubFor(post(urlPathEqualTo(GENERATE)).withRequestBody(containing("functionResponse"))
                .willReturn(json(ANSWERED)));
        GEMINI.stubFor(post(urlPathEqualTo(STREAM)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody("data: " + CALLING + "\r\n\r\n")));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=UTF-8").withBody(body);
    }

    @Test
    void jsonRpcGivesTheSignatureOutAndGeminiGetsItBackOnTheFunctionCallPart() {
        JsonNode first = rpc("{\"model\":\"" + MODEL + "\",\"messages\":[" + QUESTION + "]," + TOOLS + "}");
        JsonNode calls = first.at("/result/tool_calls");
        assertEquals(read("""
                [{"id":"call_GHGNaZ2wAsXchMIP4oTLkAU_0","type":"function",
                  "function":{"name":"controlLight","arguments":"{\\"brightness\\":50,\\"colorTemperature\\":\\"warm\\"}"},
                  "extra_content":{"google":{"thought_signature":"%s"}}}]""".formatted(SIGNATURE)), calls);

        // The client puts the result's tool_calls back unchanged, as docs/tool-calling.md promises it may.
        JsonNode second = rpc("{\"model\":\"" + MODEL + "\",\"messages\":[" + QUESTION + ","
                + "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":" + calls + "}," + RESULT + "]," + TOOLS + "}");

        assertEquals("The light is warm at 50.", second.at("/result/content").textValue(), second.toString());
        assertFollowUpReachedGemini();
    }

    @Test
    void theOpenAiSurfaceStreamsTheSignatureOutAndSendsItBack() {
        String stream = chat("{\"model\":\"" + MODEL + "\",\"stream\":true,\"messages\":[" + QUESTION + "]," + TOOLS + "}");
        JsonNode fragment = stream.lines().filter(line -> line.contains("\"tool_calls\""))
                .map(line -> read(line.substring("data: ".length())).at("/choices/0/delta/tool_calls/0"))
                .findFirst().orElseThrow(() -> new AssertionError(stream));
        assertEquals(SIGNATURE, fragment.at("/extra_content/google/thought_signature").textValue(), stream);

        // What an OpenAI client accumulates from the fragments: the call with its extra_content.
        ObjectNode call = fragment.deepCopy();
        call.remove("index");
        ArrayNode calls = JSON.createArrayNode().add(call);
        JsonNode answer = read(chat("{\"model\":\"" + MODEL + "\",\"messages\":[" + QUESTION + ","
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":" + calls + "}," + RESULT + "]," + TOOLS + "}"));

        assertEquals("The light is warm at 50.", answer.at("/choices/0/message/content").textValue(), answer.toString());
        assertFollowUpReachedGemini();
    }

    private static void assertFollowUpReachedGemini() {
        GEMINI.verify(1, postRequestedFor(urlPathEqualTo(GENERATE))
                .withRequestBody(equalToJson("{\"contents\":" + FOLLOW_UP_CONTENTS + "}", false, true)));
    }

    private static JsonNode rpc(String params) {
        return read(send("/jsonrpc", "{\"jsonrpc\":\"2.0\",\"method\":\"llm.complete\",\"id\":1,\"params\":" + params + "}"));
    }

    private static String chat(String body) {
        return send("/v1/chat/completions", body);
    }

    private static String send(String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
