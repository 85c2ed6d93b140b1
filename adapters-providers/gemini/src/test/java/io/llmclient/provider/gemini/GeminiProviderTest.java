package io.llmclient.provider.gemini;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.llmclient.application.provider.CallContext;
import io.llmclient.application.provider.LlmProvider;
import io.llmclient.application.provider.LlmProviderFactory;
import io.llmclient.application.testing.ProviderSettingsFixtures;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.Message;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Role;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.failure.LlmFailure.ProviderFailed;
import io.llmclient.domain.failure.LlmFailure.RateLimited;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.domain.testing.ChatRequests;
import io.llmclient.domain.testing.ChatResponses;
import io.llmclient.provider.conformance.ProviderFixtures;
import io.llmclient.provider.conformance.StallingUpstream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.ServiceLoader;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** WireMock stands in for generativelanguage.googleapis.com, serving the recorded fixtures. */
class GeminiProviderTest {
    private static final ProviderFixtures FIXTURES = ProviderFixtures.of(ProviderId.GEMINI);

    @RegisterExtension
    static final WireMockExtension GEMINI = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort()).build();

    static final String KEY = "AIza" + "-test-canary-test-key-0123456789abcdef";
    static final ModelEntry MODEL = ModelEntry.of("gemini-1.5-flash", ProviderId.GEMINI, ModelTier.FAST);
    static final String GENERATE = "/v1beta/models/gemini-1.5-flash:generateContent";
    static final String STREAM = "/v1beta/models/gemini-1.5-flash:streamGenerateContent";
    static final A2aContext A2A = new A2aContext("trace-7", Optional.of("planner"), Optional.of("session-9"));
    static final CallContext CONTEXT = new CallContext(MODEL, A2A);
    static final Duration NORMAL = Duration.ofSeconds(10);
    static final Duration SHORT = Duration.ofMillis(300);

    static LlmProvider provider(Duration requestTimeout) {
        return provider(requestTimeout, URI.create(GEMINI.baseUrl()));
    }

    static LlmProvider provider(Duration requestTimeout, URI baseUrl) {
        return new GeminiProviderFactory().create(ProviderSettingsFixtures.builder(ProviderId.GEMINI).apiKey(KEY)
                .baseUrl(baseUrl).connectTimeout(Duration.ofSeconds(2)).requestTimeout(requestTimeout).build());
    }

    static ChatRequest ask(String text) {
        return ChatRequest.of("gemini-1.5-flash", List.of(new Message(Role.USER, text)), A2A);
    }

    /** The conversation of stream-request.json: a system instruction and "high". */
    static ChatRequest highRequest() {
        return ChatRequests.builder().model("gemini-1.5-flash")
                .system("I say high you say low, and then tell me why is the sky blue.").user("high").stream(true)
                .context(A2A).build();
    }

    static ResponseDefinitionBuilder json(int status, String fixture) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json; charset=UTF-8")
                .withBody(FIXTURES.bytes(fixture));
    }

    static ResponseDefinitionBuilder json(int status, byte[] body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json; charset=UTF-8")
                .withBody(body);
    }

    static ResponseDefinitionBuilder sse(byte[] body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                .withHeader("Content-Disposition", "attachment").withBody(body);
    }

    static void onGenerate(ResponseDefinitionBuilder response) {
        GEMINI.stubFor(post(urlPathEqualTo(GENERATE)).willReturn(response));
    }

    static void onStream(ResponseDefinitionBuilder response) {
        GEMINI.stubFor(post(urlPathEqualTo(STREAM)).willReturn(response));
    }

    static LlmFailure failureOf(org.junit.jupiter.api.function.Executable call) {
        return assertThrows(LlmFailureException.class, () -> assertTimeoutPreemptively(Duration.ofSeconds(20), call))
                .failure();
    }

    static LlmFailure completeFailure(Duration timeout) {
        return failureOf(() -> provider(timeout).complete(ask("Hi"), CONTEXT));
    }

    static List<StreamEvent> stream(ChatRequest request) {
        List<StreamEvent> events = new ArrayList<>();
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> provider(NORMAL).stream(request, CONTEXT, events::add));
        return events;
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    // ---- Request mapping -------------------------------------------------------------------

    @Test
    void aCompletionPostsTheFixtureBodyWithTheKeyInItsHeaderAndTheA2aHeaders() {
        onGenerate(json(200, "generate-response.json"));
        provider(NORMAL).complete(GeminiRequestMapperTest.storyRequest(), CONTEXT);
        GEMINI.verify(1, postRequestedFor(urlEqualTo(GENERATE))
                .withHeader("x-goog-api-key", equalTo(KEY))
                .withHeader("Content-Type", equalTo("application/json"))
                .withHeader("X-Trace-Id", equalTo("trace-7"))
                .withHeader("X-Source-Agent", equalTo("planner"))
                .withHeader("X-Session-Id", equalTo("session-9"))
                .withRequestBody(equalToJson(FIXTURES.text("generate-request.json"))));
    }

    @Test
    void theUpstreamRequestCarriesTheAttemptsTraceparent() {
        onGenerate(json(200, "generate-response.json"));
        provider(NORMAL).complete(GeminiRequestMapperTest.storyRequest(),
                CONTEXT.withTraceHeaders(java.util.Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")));
        GEMINI.verify(1, postRequestedFor(urlEqualTo(GENERATE)).withHeader("traceparent", equalTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")));
    }

    @Test
    void theKeyNeverAppearsInAnyRequestedUrl() {
        onGenerate(json(200, "generate-response.json"));
        onStream(sse(FIXTURES.bytes("stream.sse")));
        provider(NORMAL).complete(ask("Hi"), CONTEXT);
        provider(NORMAL).stream(ask("Hi"), CONTEXT, event -> { });
        var urls = GEMINI.getAllServeEvents().stream().map(event -> event.getRequest().getUrl()).toList();
        assertEquals(2, urls.size());
        assertTrue(urls.stream().noneMatch(url -> url.contains("key=") || url.contains(KEY)), urls::toString);
    }

    @Test
    void unknownA2aFieldsAreNotSentButTheTraceIdAlwaysIs() {
        onGenerate(json(200, "generate-response.json"));
        var bare = new CallContext(MODEL, A2aContext.ofTrace("trace-only"));
        provider(NORMAL).complete(ask("Hi"), bare);
        GEMINI.verify(postRequestedFor(urlEqualTo(GENERATE))
                .withHeader("X-Trace-Id", equalTo("trace-only"))
                .withHeader("X-Source-Agent", absent())
                .withHeader("X-Session-Id", absent()));
    }

    @Test
    void theUrlNamesTheProviderModelNotTheCatalogId() {
        GEMINI.stubFor(post(urlPathEqualTo("/v1beta/models/gemini-2.5-flash:generateContent"))
                .willReturn(json(200, "generate-response.json")));
        var aliased = new CallContext(new ModelEntry("fast-gemini", ProviderId.GEMINI, ModelTier.FAST,
                "gemini-2.5-flash"), A2A);
        ChatResponse response = provider(NORMAL).complete(ask("Hi"), aliased);
        assertEquals("fast-gemini", response.model());
    }

    @Test
    void aBaseUrlWithAPathPrefixAndTrailingSlashIsKept() {
        GEMINI.stubFor(post(urlEqualTo("/proxy/v1beta/models/gemini-1.5-flash:generateContent"))
                .willReturn(json(200, "generate-response.json")));
        provider(NORMAL, URI.create(GEMINI.baseUrl() + "/proxy/")).complete(ask("Hi"), CONTEXT);
        GEMINI.verify(1, postRequestedFor(urlEqualTo("/proxy/v1beta/models/gemini-1.5-flash:generateContent")));
    }

    // ---- Response normalisation ------------------------------------------------------------

    @Test
    void theRecordedResponseBecomesTheExactDomainResult() {
        onGenerate(json(200, "generate-response.json"));
        ChatResponse response = provider(NORMAL).complete(ask("high"), CONTEXT);
        var expected = ChatResponses.builder().id("hi77aOvyCJ-jvr0P8syDgQw").model("gemini-1.5-flash")
                .providerModel("gemini-2.5-flash").provider(ProviderId.GEMINI).content("low")
                .finishReason(FinishReason.STOP).usage(9, 1 + 20).traceId("trace-7").latency(response.latency())
                .build();
        assertEquals(expected, response);
        assertEquals(30, response.usage().totalTokens(), "prompt + candidates + thoughts");
    }

    @Test
    void theRecordedResponseReadsNothingFromTheCache() {
        onGenerate(json(200, "generate-response.json"));
        assertEquals(new Usage(9, 1 + 20, 0, 0), provider(NORMAL).complete(ask("high"), CONTEXT).usage());
    }

    @Test
    void cachedContentTokensAreTheCacheReadsAndStayInThePromptCount() {
        ObjectNode body = (ObjectNode) FIXTURES.json("generate-response.json");
        ((ObjectNode) body.get("usageMetadata")).put("cachedContentTokenCount", 6);
        onGenerate(json(200, utf8(body.toString())));
        assertEquals(new Usage(9, 1 + 20, 6, 0), provider(NORMAL).complete(ask("high"), CONTEXT).usage());
    }

    @Test
    void maxTokensFinishesWithLength() {
        onGenerate(json(200, "generate-response-max-tokens.json"));
        ChatResponse response = provider(NORMAL).complete(ask("why is the sky blue?"), CONTEXT);
        assertEquals(ChatResponses.builder().id("qNSfaInGHfP0n9kPrJGHuQ4").model("gemini-1.5-flash")
                .providerModel("gemini-2.0-flash").provider(ProviderId.GEMINI)
                .content("The sky is blue because of a phenomenon called **Rayleigh scattering**. Here's a breakdown:")
                .finishReason(FinishReason.LENGTH).usage(6, 20).traceId("trace-7").latency(response.latency())
                .build(), response);
    }

    @Test
    void withoutModelVersionTheProviderModelIsTheConfiguredName() {
        ObjectNode body = (ObjectNode) FIXTURES.json("generate-response.json");
        body.remove("modelVersion");
        onGenerate(json(200, utf8(body.toString())));
        assertEquals("gemini-1.5-flash", provider(NORMAL).complete(ask("high"), CONTEXT).providerModel());
    }

    @Test
    void thoughtPartsAreLeftOutAndTextPartsJoined() {
        onGenerate(json(200, utf8("""
                {"candidates":[{"content":{"role":"model","parts":[
                  {"text":"thinking about it","thought":true},{"text":"Hel"},{"text":"lo"}]},
                  "finishReason":"STOP"}],
                 "usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":2}}""")));
        ChatResponse response = provider(NORMAL).complete(ask("Hi"), CONTEXT);
        assertEquals("Hello", response.content());
        assertEquals(new Usage(3, 2), response.usage());
    }

    @Test
    void aSafetyStopIsAContentFilterEvenWithoutText() {
        onGenerate(json(200, utf8("""
                {"candidates":[{"finishReason":"SAFETY","safetyRatings":[]}],
                 "usageMetadata":{"promptTokenCount":5}}""")));
        ChatResponse response = provider(NORMAL).complete(ask("Hi"), CONTEXT);
        assertEquals(FinishReason.CONTENT_FILTER, response.finishReason());
        assertEquals("", response.content());
    }

    // ---- Bad answers from upstream -----------------------------------------------------------

    @Test
    void aBlockedPromptIsAnEmptyContentFilterAnswer() {
        onGenerate(json(200, utf8("""
                {"promptFeedback":{"blockReason":"SAFETY","safetyRatings":[]},
                 "usageMetadata":{"promptTokenCount":8,"totalTokenCount":8},"modelVersion":"gemini-2.0-flash"}""")));
        ChatResponse response = provider(NORMAL).complete(ask("something refused"), CONTEXT);
        assertEquals(FinishReason.CONTENT_FILTER, response.finishReason());
        assertEquals("", response.content());
        assertEquals(new Usage(8, 0), response.usage());
    }

    @Test
    void missingCandidatesWithoutABlockReasonAreAProviderError() {
        onGenerate(json(200, utf8("{\"usageMetadata\":{\"promptTokenCount\":8},\"modelVersion\":\"gemini-2.0-flash\"}")));
        var failed = assertInstanceOf(ProviderFailed.class, completeFailure(NORMAL));
        assertEquals(OptionalInt.of(200), failed.status());
        assertTrue(failed.providerMessage().contains("without candidates"), failed.providerMessage());
    }

    @Test
    void emptyPartsThatClaimANormalStopAreATransientProviderError() {
        onGenerate(json(200, utf8("""
                {"candidates":[{"content":{"role":"model","parts":[]},"finishReason":"STOP"}]}""")));
        var failed = assertInstanceOf(ProviderFailed.class, completeFailure(NORMAL));
        assertEquals(OptionalInt.of(200), failed.status());
        assertTrue(failed.transientFailure());
    }

    @Test
    void truncatedJsonIsAProviderError() {
        byte[] whole = FIXTURES.bytes("generate-response.json");
        onGenerate(json(200, java.util.Arrays.copyOf(whole, whole.length / 2)));
        var failed = assertInstanceOf(ProviderFailed.class, completeFailure(NORMAL));
        assertEquals(OptionalInt.of(200), failed.status());
        assertTrue(failed.providerMessage().contains("malformed JSON"), failed.providerMessage());
    }

    @Test
    void aCompletionThatNeverAnswersTimesOut() {
        onGenerate(json(200, "generate-response.json").withFixedDelay(3_000));
        assertInstanceOf(LlmFailure.ProviderTimedOut.class, completeFailure(SHORT));
    }

    @Test
    void aCompletionWhoseBodyTricklesInBeyondTheRequestTimeoutTimesOut() {
        // Every gap (about 250 ms) is shorter than the 600 ms timeout, so only the whole-call bound catches it.
        onGenerate(json(200, "generate-response.json").withChunkedDribbleDelay(12, 3_000));
        assertInstanceOf(LlmFailure.ProviderTimedOut.class, completeFailure(Duration.ofMillis(600)));
    }

    @Test
    void aRefusedConnectionIsATransientProviderErrorWithoutStatus() throws Exception {
        int closedPort;
        try (var socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        var provider = provider(NORMAL, URI.create("http://127.0.0.1:" + closedPort));
        var failed = assertInstanceOf(ProviderFailed.class, failureOf(() -> provider.complete(ask("Hi"), CONTEXT)));
        assertEquals(OptionalInt.empty(), failed.status());
        assertTrue(failed.transientFailure());
    }

    // ---- Error answers -----------------------------------------------------------------------

    @Test
    void invalidArgumentIsAPermanentProviderErrorWith400() {
        onGenerate(json(400, "error-400.json"));
        var failed = assertInstanceOf(ProviderFailed.class, completeFailure(NORMAL));
        assertEquals(new ProviderFailed(ProviderId.GEMINI, OptionalInt.of(400),
                "INVALID_ARGUMENT: Invalid JSON payload received. Unknown name \"includeThoughts\" at "
                        + "'generation_config': Cannot find field.", false), failed);
    }

    @Test
    void anInvalidKeyIsA400ProviderErrorNamingTheReason() {
        onGenerate(json(400, "error-400-api-key-invalid.json"));
        var failed = assertInstanceOf(ProviderFailed.class, completeFailure(NORMAL));
        assertEquals(new ProviderFailed(ProviderId.GEMINI, OptionalInt.of(400),
                "INVALID_ARGUMENT (API_KEY_INVALID): API key not valid. Please pass a valid API key.", false), failed);
    }

    @Test
    void aKeyEchoedByUpstreamIsMaskedInTheFailure() {
        onGenerate(json(400, utf8("{\"error\":{\"code\":400,\"status\":\"INVALID_ARGUMENT\",\"message\":\"API key "
                + KEY + " not valid; prefix " + KEY.substring(0, 12) + "\"}}")));
        var failed = assertInstanceOf(ProviderFailed.class, completeFailure(NORMAL));
        for (int start = 0; start + 8 <= KEY.length() - 4; start++) {
            assertFalse(failed.message().contains(KEY.substring(start, start + 8)), failed.message());
        }
    }

    @Test
    void anUnknownModelOnTheStreamingEndpointIsA404FromItsPlainJsonBody() {
        onStream(aResponse().withStatus(404).withHeader("Content-Type", "text/event-stream")
                .withBody(FIXTURES.bytes("error-404-model.json")));
        List<StreamEvent> events = new ArrayList<>();
        var failed = assertInstanceOf(ProviderFailed.class,
                failureOf(() -> provider(NORMAL).stream(ask("Hi"), CONTEXT, events::add)));
        assertEquals(OptionalInt.of(404), failed.status());
        assertFalse(failed.transientFailure());
        assertTrue(failed.providerMessage().startsWith("NOT_FOUND: models/custom-gemini-2.0-flash is not found"),
                failed.providerMessage());
        assertEquals(List.of(), events);
    }

    @Test
    void resourceExhaustedIsRateLimitedWithTheRetryInfoDelay() {
        onGenerate(json(429, "error-429.json"));
        assertEquals(new RateLimited(ProviderId.GEMINI, Optional.of(Duration.ofSeconds(56))), completeFailure(NORMAL));
    }

    @Test
    void aFractionalRetryDelayKeepsItsNanoseconds() {
        String body = FIXTURES.text("error-429.json").replace("\"56s\"", "\"0.539477544s\"");
        onGenerate(json(429, utf8(body)));
        assertEquals(new RateLimited(ProviderId.GEMINI, Optional.of(Duration.ofNanos(539_477_544))),
                completeFailure(NORMAL));
    }

    @Test
    void withoutRetryInfoTheRetryAfterHeaderGivesTheWait() {
        onGenerate(json(429, utf8("{\"error\":{\"code\":429,\"status\":\"RESOURCE_EXHAUSTED\",\"message\":\"slow down\"}}"))
                .withHeader("Retry-After", "7"));
        assertEquals(new RateLimited(ProviderId.GEMINI, Optional.of(Duration.ofSeconds(7))), completeFailure(NORMAL));
    }

    @Test
    void theWaitIsNeverReadFromTheMessageText() {
        // The fixture's message says "Please retry in 56.185908122s"; without RetryInfo there is no hint.
        ObjectNode body = (ObjectNode) FIXTURES.json("error-429.json");
        ((com.fasterxml.jackson.databind.node.ArrayNode) body.get("error").get("details")).remove(2);
        onGenerate(json(429, utf8(body.toString())));
        assertEquals(new RateLimited(ProviderId.GEMINI, Optional.empty()), completeFailure(NORMAL));
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {500, 503, 504})
    void serverErrorsAreTransientProviderErrors(int status) {
        onGenerate(json(status, utf8("{\"error\":{\"code\":" + status + ",\"status\":\"UNAVAILABLE\","
                + "\"message\":\"The model is overloaded. Please try again later.\"}}")));
        assertEquals(new ProviderFailed(ProviderId.GEMINI, OptionalInt.of(status),
                "UNAVAILABLE: The model is overloaded. Please try again later.", true), completeFailure(NORMAL));
    }

    @Test
    void anErrorWithoutAJsonBodyKeepsItsStatus() {
        onGenerate(aResponse().withStatus(502).withBody("<html>Bad Gateway</html>"));
        assertEquals(new ProviderFailed(ProviderId.GEMINI, OptionalInt.of(502), "<html>Bad Gateway</html>", true),
                completeFailure(NORMAL));
    }

    // ---- Streaming ---------------------------------------------------------------------------

    static final List<String> FIXTURE_DELTAS = FIXTURES.text("stream.sse").lines()
            .filter(line -> line.startsWith("data: "))
            .map(line -> ProviderFixtures.parse(line.substring(6)).at("/candidates/0/content/parts/0/text").asText())
            .toList();

    @Test
    void theRecordedStreamGivesEachEventsTextAsADeltaThenTheExactResult() {
        onStream(sse(FIXTURES.bytes("stream.sse")));
        List<StreamEvent> events = stream(highRequest());
        assertEquals(7, events.size(), () -> "six deltas and Completed: " + events);
        assertEquals(FIXTURE_DELTAS, events.subList(0, 6).stream()
                .map(event -> assertInstanceOf(StreamEvent.Delta.class, event).text()).toList());
        var completed = assertInstanceOf(StreamEvent.Completed.class, events.getLast()).response();
        assertEquals(ChatResponses.builder().id("tS77aIl-4ZvV7w_A9rTBBg").model("gemini-1.5-flash")
                .providerModel("gemini-2.5-flash").provider(ProviderId.GEMINI).content(String.join("", FIXTURE_DELTAS))
                .finishReason(FinishReason.STOP).usage(20, 253 + 260).traceId("trace-7").latency(completed.latency())
                .build(), completed);
        assertEquals(533, completed.usage().totalTokens());
    }

    @Test
    void theRecordedStreamReadsNothingFromTheCache() {
        onStream(sse(FIXTURES.bytes("stream.sse")));
        var completed = assertInstanceOf(StreamEvent.Completed.class, stream(highRequest()).getLast()).response();
        assertEquals(new Usage(20, 253 + 260, 0, 0), completed.usage());
    }

    @Test
    void aStreamsCachedContentTokensAreItsCacheReads() {
        String recorded = FIXTURES.text("stream.sse");
        String prompt = "\"promptTokenCount\": 20,";
        assertEquals(6, recorded.split(prompt, -1).length - 1, "every event carries the cumulative usage");
        onStream(sse(utf8(recorded.replace(prompt, prompt + "\"cachedContentTokenCount\": 16,"))));
        var completed = assertInstanceOf(StreamEvent.Completed.class, stream(highRequest()).getLast()).response();
        assertEquals(new Usage(20, 253 + 260, 16, 0), completed.usage());
    }

    @Test
    void aStreamPostsToStreamGenerateContentWithAltSse() {
        onStream(sse(FIXTURES.bytes("stream.sse")));
        stream(highRequest());
        // The recorded request also asked for candidateCount 1, the API's default, which the adapter never sends.
        ObjectNode expected = (ObjectNode) FIXTURES.json("stream-request.json");
        ((ObjectNode) expected.get("generationConfig")).remove("candidateCount");
        GEMINI.verify(1, postRequestedFor(urlEqualTo(STREAM + "?alt=sse"))
                .withHeader("x-goog-api-key", equalTo(KEY))
                .withHeader("X-Trace-Id", equalTo("trace-7"))
                .withHeader("X-Source-Agent", equalTo("planner"))
                .withHeader("X-Session-Id", equalTo("session-9"))
                .withRequestBody(equalToJson(expected.toString())));
    }

    @Test
    void lfFramingIsReadLikeCrlf() {
        onStream(sse(utf8(FIXTURES.text("stream.sse").replace("\r\n", "\n"))));
        var completed = assertInstanceOf(StreamEvent.Completed.class, stream(highRequest()).getLast()).response();
        assertEquals(String.join("", FIXTURE_DELTAS), completed.content());
    }

    @Test
    void aStreamThatEndsBeforeAFinishReasonIsATransientProviderError() {
        String firstEvent = FIXTURES.text("stream.sse").split("\r\n\r\n")[0] + "\r\n\r\n";
        onStream(sse(utf8(firstEvent)));
        List<StreamEvent> events = new ArrayList<>();
        var failed = assertInstanceOf(ProviderFailed.class,
                failureOf(() -> provider(NORMAL).stream(highRequest(), CONTEXT, events::add)));
        assertEquals(OptionalInt.empty(), failed.status());
        assertTrue(failed.transientFailure());
        assertEquals(List.of(new StreamEvent.Delta(FIXTURE_DELTAS.getFirst())), events);
    }

    @Test
    void anErrorEventInsideTheStreamEndsItWithThatError() {
        String firstEvent = FIXTURES.text("stream.sse").split("\r\n\r\n")[0] + "\r\n\r\n";
        String error = "data: {\"error\":{\"code\":503,\"status\":\"UNAVAILABLE\",\"message\":\"overloaded\"}}\r\n\r\n";
        onStream(sse(utf8(firstEvent + error)));
        List<StreamEvent> events = new ArrayList<>();
        assertEquals(new ProviderFailed(ProviderId.GEMINI, OptionalInt.of(503), "UNAVAILABLE: overloaded", true),
                failureOf(() -> provider(NORMAL).stream(highRequest(), CONTEXT, events::add)));
        assertEquals(1, events.size());
    }

    @Test
    void aBlockedPromptInAStreamCompletesAsContentFilterWithoutDeltas() {
        onStream(sse(utf8("data: {\"promptFeedback\":{\"blockReason\":\"PROHIBITED_CONTENT\"},"
                + "\"usageMetadata\":{\"promptTokenCount\":4},\"modelVersion\":\"gemini-2.0-flash\","
                + "\"responseId\":\"r-1\"}\r\n\r\n")));
        List<StreamEvent> events = stream(ask("refused"));
        assertEquals(1, events.size());
        var completed = assertInstanceOf(StreamEvent.Completed.class, events.getFirst()).response();
        assertEquals(FinishReason.CONTENT_FILTER, completed.finishReason());
        assertEquals(new Usage(4, 0), completed.usage());
    }

    @Test
    void malformedJsonInAnEventIsAProviderError() {
        onStream(sse(utf8("data: {\"candidates\": [{\"content\r\n\r\n")));
        var failed = assertInstanceOf(ProviderFailed.class,
                failureOf(() -> provider(NORMAL).stream(ask("Hi"), CONTEXT, event -> { })));
        assertEquals(OptionalInt.of(200), failed.status());
    }

    @Test
    void aStreamThatNeverStartsTimesOut() {
        onStream(sse(FIXTURES.bytes("stream.sse")).withFixedDelay(3_000));
        assertInstanceOf(LlmFailure.ProviderTimedOut.class,
                failureOf(() -> provider(SHORT).stream(ask("Hi"), CONTEXT, event -> { })));
    }

    static byte[] firstEvent() {
        return utf8(FIXTURES.text("stream.sse").split("\r\n\r\n")[0] + "\r\n\r\n");
    }

    @Test
    void aStreamThatGoesSilentAfterItsFirstEventTimesOutAfterDeliveringIt() {
        List<StreamEvent> events = Collections.synchronizedList(new ArrayList<>());
        try (var upstream = new StallingUpstream(firstEvent())) {
            var provider = provider(Duration.ofMillis(500), upstream.baseUrl());
            assertInstanceOf(LlmFailure.ProviderTimedOut.class,
                    failureOf(() -> provider.stream(highRequest(), CONTEXT, events::add)));
        }
        assertEquals(List.of(new StreamEvent.Delta(FIXTURE_DELTAS.getFirst())), events,
                "the first delta reached the sink while the upstream was still open");
    }

    @Test
    void aSilenceAfterTheFinishReasonEndsTheStreamNormally() {
        String[] events = FIXTURES.text("stream.sse").split("\r\n\r\n");
        List<StreamEvent> received = new ArrayList<>();
        try (var upstream = new StallingUpstream(utf8(events[5] + "\r\n\r\n"))) {
            var provider = provider(Duration.ofMillis(300), upstream.baseUrl());
            assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> provider.stream(highRequest(), CONTEXT, received::add));
        }
        assertEquals(new StreamEvent.Delta(" rather than violet."), received.getFirst());
        var completed = assertInstanceOf(StreamEvent.Completed.class, received.getLast()).response();
        assertEquals(FinishReason.STOP, completed.finishReason());
    }

    @Test
    void aSinkThatThrowsStopsTheStreamWithItsOwnException() {
        var gone = new IllegalStateException("caller disconnected");
        try (var upstream = new StallingUpstream(firstEvent())) {
            LlmProvider provider = provider(NORMAL, upstream.baseUrl());
            var thrown = assertThrows(IllegalStateException.class, () -> assertTimeoutPreemptively(
                    Duration.ofSeconds(5), () -> provider.stream(highRequest(), CONTEXT, event -> {
                        throw gone;
                    })));
            assertSame(gone, thrown);
        }
    }

    @Test
    void aProviderStaysUsableAfterASinkAbandonedAStream() {
        onStream(sse(FIXTURES.bytes("stream.sse")));
        onGenerate(json(200, "generate-response.json"));
        LlmProvider provider = provider(NORMAL);
        assertThrows(IllegalStateException.class, () -> provider.stream(highRequest(), CONTEXT, event -> {
            throw new IllegalStateException("gone");
        }));
        assertEquals("low", provider.complete(ask("high"), CONTEXT).content());
    }

    @Test
    void anInterruptedStreamIsCancelledAndKeepsTheInterruptFlag() {
        onStream(sse(FIXTURES.bytes("stream.sse")));
        List<StreamEvent> events = new ArrayList<>();
        assertThrows(CancellationException.class, () -> provider(NORMAL).stream(highRequest(), CONTEXT, event -> {
            events.add(event);
            Thread.currentThread().interrupt();
        }));
        assertTrue(Thread.interrupted(), "the flag is kept for the caller (and cleared here)");
        assertEquals(1, events.size(), "nothing is read after the interrupt");
    }

    // ---- Availability and registration -------------------------------------------------------

    @Test
    void withoutAKeyTheProviderIsUnavailableAndCallsNothing() {
        var keyless = new GeminiProviderFactory().create(ProviderSettingsFixtures.builder(ProviderId.GEMINI)
                .baseUrl(GEMINI.baseUrl()).connectTimeout(Duration.ofSeconds(2)).requestTimeout(NORMAL).build());
        assertEquals(new io.llmclient.application.provider.Availability(false, "no API key (GOOGLE_API_KEY)"),
                keyless.availability());
        var unavailable = assertInstanceOf(LlmFailure.ProviderUnavailable.class,
                failureOf(() -> keyless.complete(ask("Hi"), CONTEXT)));
        assertEquals(Optional.of(ProviderId.GEMINI), unavailable.provider());
        assertEquals(0, GEMINI.getAllServeEvents().size());
    }

    @Test
    void theFactoryIsFoundByServiceLoader() {
        var factory = ServiceLoader.load(LlmProviderFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(found -> found.id().equals(ProviderId.GEMINI)).findFirst().orElseThrow();
        assertInstanceOf(GeminiProviderFactory.class, factory);
        assertTrue(provider(NORMAL).availability().available());
    }

    @Test
    void theProvidersDescriptionShowsOnlyTheLastFourCharactersOfTheKey() {
        String description = provider(NORMAL).toString();
        assertFalse(description.contains(KEY.substring(0, KEY.length() - 4)), description);
        assertTrue(description.contains("cdef"), description);
    }
}
