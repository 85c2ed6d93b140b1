package io.llmclient.provider.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.llmclient.application.provider.LlmProvider;
import io.llmclient.application.provider.StreamSink;
import io.llmclient.application.testing.ProviderSettingsFixtures;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.failure.LlmFailure.ProviderFailed;
import io.llmclient.domain.failure.LlmFailure.ProviderTimedOut;
import io.llmclient.domain.failure.LlmFailure.RateLimited;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.domain.testing.ChatResponses;
import io.llmclient.provider.conformance.ProviderFixtures;
import io.llmclient.provider.conformance.StallingUpstream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The adapter against WireMock standing in for api.openai.com: the exact request it sends, and
 * the exact domain result or failure for each recorded answer and each kind of bad answer.
 */
class OpenAiProviderTest {
    private static final ProviderFixtures FIXTURES = ProviderFixtures.of(ProviderId.OPENAI);

    private static final String KEY = "sk-test-0123456789abcdefWXYZ";
    private static final String PATH = "/v1/chat/completions";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Duration HANG_GUARD = Duration.ofSeconds(20);
    private static final Instant NOW = Instant.parse("2023-09-29T16:26:37Z");
    private static final String RECORDED_STREAM_TEXT = "I'm unable to provide real-time weather updates. To get the "
            + "current weather in San Francisco, I recommend checking a reliable weather website or a weather app.";

    @RegisterExtension
    static final WireMockExtension OPENAI = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort()).build();

    private static LlmProvider provider(Duration requestTimeout) {
        return provider(URI.create(OPENAI.baseUrl() + "/v1"), requestTimeout);
    }

    private static LlmProvider provider(URI baseUrl, Duration requestTimeout) {
        return new OpenAiProviderFactory().create(ProviderSettingsFixtures.builder(ProviderId.OPENAI).apiKey(KEY)
                .baseUrl(baseUrl).connectTimeout(Duration.ofSeconds(2)).requestTimeout(requestTimeout).build(),
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static void answer(ResponseDefinitionBuilder response) {
        OPENAI.stubFor(post(urlEqualTo(PATH)).willReturn(response));
    }

    private static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    private static ResponseDefinitionBuilder sse(byte[] body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream; charset=utf-8").withBody(body);
    }

    private static ChatResponse complete() {
        return assertTimeoutPreemptively(HANG_GUARD,
                () -> provider(TIMEOUT).complete(TestRequests.helloRequest(false), TestRequests.CONTEXT));
    }

    private static List<StreamEvent> stream(List<StreamEvent> events) {
        assertTimeoutPreemptively(HANG_GUARD,
                () -> provider(TIMEOUT).stream(TestRequests.helloRequest(true), TestRequests.CONTEXT, events::add));
        return events;
    }

    private static LlmFailure failureOf(Executable call) {
        LlmFailureException thrown = assertThrows(LlmFailureException.class,
                () -> assertTimeoutPreemptively(HANG_GUARD, call));
        assertFalse(thrown.getMessage().contains(KEY), "the key is never in an exception message");
        return thrown.failure();
    }

    private static LlmFailure completeFailure() {
        return failureOf(() -> provider(TIMEOUT).complete(TestRequests.helloRequest(false), TestRequests.CONTEXT));
    }

    private static LlmFailure streamFailure(List<StreamEvent> events) {
        return failureOf(() -> provider(TIMEOUT).stream(TestRequests.helloRequest(true), TestRequests.CONTEXT, events::add));
    }

    private static List<String> deltas(List<StreamEvent> events) {
        return events.stream().filter(StreamEvent.Delta.class::isInstance)
                .map(event -> ((StreamEvent.Delta) event).text()).toList();
    }

    private static ProviderFailed failed(int status, String message, boolean transientFailure) {
        return new ProviderFailed(ProviderId.OPENAI, OptionalInt.of(status), message, transientFailure);
    }

    private static String errorMessage(String fixture) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(FIXTURES.bytes(fixture))
                    .at("/error/message").asText();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- The request ---------------------------------------------------------------------

    @Test
    void aCompletionSendsTheExactRequest() {
        answer(json(200, FIXTURES.text("chat-response.json")));
        complete();
        OPENAI.verify(1, postRequestedFor(urlEqualTo(PATH))
                .withHeader("Authorization", equalTo("Bearer " + KEY))
                .withHeader("Content-Type", equalTo("application/json"))
                .withHeader("Accept", equalTo("application/json"))
                .withHeader("X-Trace-Id", equalTo("t-123"))
                .withHeader("X-Source-Agent", equalTo("planner"))
                .withHeader("X-Session-Id", equalTo("s-9"))
                .withRequestBody(equalToJson("""
                        {"model": "gpt-4.1-mini",
                         "messages": [{"role": "system", "content": "You are a helpful assistant."},
                                      {"role": "user", "content": "Hello!"}],
                         "temperature": 0,
                         "max_completion_tokens": 256}""")));
    }

    @Test
    void aStreamSendsTheFixtureRequestExactly() {
        answer(sse(FIXTURES.bytes("chat-stream.sse")));
        stream(new ArrayList<>());
        OPENAI.verify(1, postRequestedFor(urlEqualTo(PATH))
                .withHeader("Authorization", equalTo("Bearer " + KEY))
                .withHeader("Content-Type", equalTo("application/json"))
                .withHeader("Accept", equalTo("text/event-stream"))
                .withHeader("X-Trace-Id", equalTo("t-123"))
                .withRequestBody(equalToJson(FIXTURES.text("chat-request.json"))));
    }

    @Test
    void aCompletionAndAStreamCarryTheAttemptsTraceparentAndTracestate() {
        Map<String, String> trace = Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "tracestate", "vendor=1");
        answer(json(200, FIXTURES.text("chat-response.json")));
        assertTimeoutPreemptively(HANG_GUARD, () -> provider(TIMEOUT).complete(TestRequests.helloRequest(false),
                TestRequests.CONTEXT.withTraceHeaders(trace)));
        answer(sse(FIXTURES.bytes("chat-stream.sse")));
        assertTimeoutPreemptively(HANG_GUARD, () -> provider(TIMEOUT).stream(TestRequests.helloRequest(true),
                TestRequests.CONTEXT.withTraceHeaders(trace), event -> { }));
        OPENAI.verify(2, postRequestedFor(urlEqualTo(PATH))
                .withHeader("traceparent", equalTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
                .withHeader("tracestate", equalTo("vendor=1")));
    }

    @Test
    void withoutATracedAttemptNoTraceparentIsSent() {
        answer(json(200, FIXTURES.text("chat-response.json")));
        complete();
        OPENAI.verify(1, postRequestedFor(urlEqualTo(PATH)).withoutHeader("traceparent"));
    }

    @Test
    void unknownA2aFieldsAreNotSentAsHeaders() {
        answer(json(200, FIXTURES.text("chat-response.json")));
        var context = new io.llmclient.application.provider.CallContext(TestRequests.GPT_41_MINI,
                io.llmclient.domain.chat.A2aContext.ofTrace("t-only"));
        assertTimeoutPreemptively(HANG_GUARD, () -> provider(TIMEOUT).complete(TestRequests.helloRequest(false), context));
        OPENAI.verify(1, postRequestedFor(urlEqualTo(PATH))
                .withHeader("X-Trace-Id", equalTo("t-only"))
                .withoutHeader("X-Source-Agent")
                .withoutHeader("X-Session-Id"));
    }

    @Test
    void aBaseUrlWithATrailingSlashReachesTheSamePath() {
        answer(json(200, FIXTURES.text("chat-response.json")));
        assertTimeoutPreemptively(HANG_GUARD, () -> provider(URI.create(OPENAI.baseUrl() + "/v1/"), TIMEOUT)
                .complete(TestRequests.helloRequest(false), TestRequests.CONTEXT));
        OPENAI.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    // ---- Successful answers --------------------------------------------------------------

    @Test
    void theDocumentedCompletionBecomesTheDomainResponse() {
        answer(json(200, FIXTURES.text("chat-response.json")));
        ChatResponse response = complete();
        assertEquals(ChatResponses.builder().id("chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT").model("gpt-4.1-mini")
                .providerModel("gpt-5.4").provider(ProviderId.OPENAI).content("Hello! How can I assist you today?")
                .finishReason(FinishReason.STOP).usage(19, 10).traceId("t-123").build(),
                response.withLatency(Duration.ZERO));
    }

    @Test
    void theRecordedStreamIsDeliveredDeltaByDeltaThenCompleted() {
        answer(sse(FIXTURES.bytes("chat-stream.sse")));
        List<StreamEvent> events = stream(new ArrayList<>());
        List<String> deltas = deltas(events);
        assertEquals(30, deltas.size(), "one delta per non-empty content chunk");
        assertEquals(List.of("I'm", " unable", " to", " provide", " real"), deltas.subList(0, 5));
        assertEquals(RECORDED_STREAM_TEXT, String.join("", deltas));
        var completed = assertInstanceOf(StreamEvent.Completed.class, events.getLast());
        assertEquals(31, events.size());
        assertEquals(ChatResponses.builder().id("chatcmpl-ABfw031mOJeYCSHe4yI2ZjOA6kMJL").model("gpt-4.1-mini")
                .providerModel("gpt-4o-2024-08-06").provider(ProviderId.OPENAI).content(RECORDED_STREAM_TEXT)
                .finishReason(FinishReason.STOP).usage(14, 30).traceId("t-123").build(),
                completed.response().withLatency(Duration.ZERO));
    }

    @Test
    void aCompletionsCachedTokensReachTheResponseAsCacheReads() {
        var body = (ObjectNode) FIXTURES.json("chat-response.json");
        ((ObjectNode) body.at("/usage/prompt_tokens_details")).put("cached_tokens", 12);
        answer(json(200, body.toString()));
        assertEquals(new Usage(19, 10, 12, 0), complete().usage());
    }

    @Test
    void aStreamsCachedTokensReachTheCompletedResponseAsCacheReads() {
        answer(sse(OpenAiStreamDecoderTest.withCachedTokens(FIXTURES.text("chat-stream.sse"), 8)
                .getBytes(StandardCharsets.UTF_8)));
        var completed = assertInstanceOf(StreamEvent.Completed.class, stream(new ArrayList<>()).getLast());
        assertEquals(new Usage(14, 30, 8, 0), completed.response().usage());
    }

    @Test
    void theStreamIsReportedOpenedOnceAtItsRoleChunkBeforeAnyDelta() {
        answer(sse(FIXTURES.bytes("chat-stream.sse")));
        List<String> seen = new ArrayList<>();
        assertTimeoutPreemptively(HANG_GUARD, () -> provider(TIMEOUT).stream(TestRequests.helloRequest(true),
                TestRequests.CONTEXT, new StreamSink() {
                    @Override
                    public boolean opened() {
                        seen.add("opened");
                        return true;
                    }

                    @Override
                    public void accept(StreamEvent event) {
                        seen.add(event.getClass().getSimpleName());
                    }
                }));
        assertEquals(List.of("opened", "Delta"), seen.subList(0, 2));
        assertEquals(1, java.util.Collections.frequency(seen, "opened"));
        assertEquals(32, seen.size(), "opened, 30 deltas, completed");
    }

    @Test
    void aStreamRefusedWithAnErrorStatusIsNeverReportedOpened() {
        answer(json(429, FIXTURES.text("error-429.json")));
        var opened = new java.util.concurrent.atomic.AtomicBoolean();
        assertThrows(LlmFailureException.class, () -> provider(TIMEOUT).stream(TestRequests.helloRequest(true),
                TestRequests.CONTEXT, new StreamSink() {
                    @Override
                    public boolean opened() {
                        opened.set(true);
                        return true;
                    }

                    @Override
                    public void accept(StreamEvent event) {
                    }
                }));
        assertFalse(opened.get());
    }

    @Test
    void aToolCallStreamLeaksNoArgumentsIntoText() {
        answer(sse(FIXTURES.bytes("chat-stream-toolcall.sse")));
        List<StreamEvent> events = stream(new ArrayList<>());
        assertEquals(List.of(), deltas(events), "tool-call fragments are not text");
        var completed = assertInstanceOf(StreamEvent.Completed.class, events.getLast());
        assertEquals(ChatResponses.builder().id("chatcmpl-ABfwCgi41eStOcARjZq97ohCEGBPO").model("gpt-4.1-mini")
                .providerModel("gpt-4o-2024-08-06").provider(ProviderId.OPENAI).content("")
                .toolCalls(ToolFixtures.WEATHER_CALL).finishReason(FinishReason.TOOL_CALLS).usage(48, 19)
                .traceId("t-123").build(), completed.response().withLatency(Duration.ZERO));
    }

    // ---- Error answers -------------------------------------------------------------------

    @Test
    void an400UnsupportedParameterIsAProviderErrorNotRetried() {
        answer(json(400, FIXTURES.text("error-400.json")));
        assertEquals(failed(400, errorMessage("error-400.json"), false), completeFailure());
    }

    @Test
    void a401IsAProviderErrorWithItsStatusNotRetried() {
        answer(json(401, FIXTURES.text("error-401.json")));
        assertEquals(failed(401, errorMessage("error-401.json"), false), completeFailure());
    }

    @Test
    void a401ThatQuotesTheKeyNeverEchoesIt() {
        String masked = KEY.substring(0, 8) + "************" + KEY.substring(KEY.length() - 4);
        answer(json(401, FIXTURES.text("error-401.json").replace("CHANGE_ME", masked)));
        var failure = assertInstanceOf(ProviderFailed.class, completeFailure());
        assertTrue(failure.providerMessage().startsWith("Incorrect API key provided: ****WXYZ You can find"),
                failure.providerMessage());
        assertFalse(failure.message().contains(KEY.substring(0, 8)), failure.message());
    }

    @Test
    void a404UnknownModelIsAProviderErrorNotRetried() {
        answer(json(404, FIXTURES.text("error-404-model.json")));
        assertEquals(failed(404, errorMessage("error-404-model.json"), false), completeFailure());
    }

    @Test
    void a429RateLimitCarriesTheRetryAfterSeconds() {
        answer(json(429, FIXTURES.text("error-429.json")).withHeader("retry-after", "20"));
        assertEquals(new RateLimited(ProviderId.OPENAI, Optional.of(Duration.ofSeconds(20))), completeFailure());
    }

    @Test
    void a429RateLimitPrefersRetryAfterMs() {
        answer(json(429, FIXTURES.text("error-429.json")).withHeader("retry-after-ms", "1500")
                .withHeader("retry-after", "2"));
        assertEquals(new RateLimited(ProviderId.OPENAI, Optional.of(Duration.ofMillis(1500))), completeFailure());
    }

    @Test
    void a429RateLimitReadsAnHttpDate() {
        answer(json(429, FIXTURES.text("error-429.json")).withHeader("retry-after", "Fri, 29 Sep 2023 16:26:57 GMT"));
        assertEquals(new RateLimited(ProviderId.OPENAI, Optional.of(Duration.ofSeconds(20))), completeFailure());
    }

    @Test
    void aWaitMentionedOnlyInTheMessageIsNotAWaitHint() {
        answer(json(429, FIXTURES.text("error-429.json")));
        assertEquals(new RateLimited(ProviderId.OPENAI, Optional.empty()), completeFailure());
    }

    @Test
    void a429InsufficientQuotaIsAProviderErrorNotRetried() {
        answer(json(429, FIXTURES.text("error-429-insufficient-quota.json")).withHeader("retry-after", "1"));
        assertEquals(failed(429, errorMessage("error-429-insufficient-quota.json"), false), completeFailure());
    }

    @Test
    void xShouldRetryFalseTurnsA429IntoAFinalProviderError() {
        answer(json(429, FIXTURES.text("error-429.json")).withHeader("x-should-retry", "false"));
        assertEquals(failed(429, errorMessage("error-429.json"), false), completeFailure());
    }

    @Test
    void xShouldRetryOverridesTheStatusRule() {
        answer(json(500, FIXTURES.text("error-400.json")).withHeader("x-should-retry", "false"));
        assertFalse(((ProviderFailed) completeFailure()).transientFailure());
        answer(json(400, FIXTURES.text("error-400.json")).withHeader("x-should-retry", "true"));
        assertTrue(((ProviderFailed) completeFailure()).transientFailure());
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {408, 409, 500, 502, 503, 504})
    void timeoutConflictAndServerStatusesAreTransient(int status) {
        answer(json(status, "{\"error\":{\"message\":\"try again\",\"type\":\"server_error\",\"param\":null,\"code\":null}}"));
        assertEquals(failed(status, "try again", true), completeFailure());
    }

    @Test
    void anHtmlErrorPageIsAProviderErrorNamingWhatCameBack() {
        String page = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
        answer(aResponse().withStatus(502).withHeader("Content-Type", "text/html").withBody(page));
        assertEquals(failed(502, "HTTP 502 with a body that is not an OpenAI error (text/html, " + page.length()
                + " bytes, HTML)", true), completeFailure());
    }

    @Test
    void anErrorStatusWithAnEmptyBodyIsAProviderError() {
        answer(aResponse().withStatus(503));
        assertEquals(failed(503, "HTTP 503 with an empty body", true), completeFailure());
    }

    // ---- Bad answers with status 200 -----------------------------------------------------

    @Test
    void truncatedJsonIsAMalformedResponse() {
        String body = FIXTURES.text("chat-response.json");
        answer(json(200, body.substring(0, body.length() / 2)));
        assertEquals(failed(200, "malformed response: body is not valid JSON (application/json, "
                + body.length() / 2 + " bytes)", false), completeFailure());
    }

    @Test
    void anHtmlPageWithStatus200IsAMalformedResponse() {
        answer(aResponse().withStatus(200).withHeader("Content-Type", "text/html").withBody("<html>hi</html>"));
        assertEquals(failed(200, "malformed response: body is not valid JSON (text/html, 15 bytes)", false),
                completeFailure());
    }

    @Test
    void anEmpty200BodyIsAMalformedResponse() {
        answer(aResponse().withStatus(200).withHeader("Content-Type", "application/json"));
        assertEquals(failed(200, "malformed response: empty body", false), completeFailure());
    }

    // ---- Transport failures and time -----------------------------------------------------

    @Test
    void aRefusedConnectionIsATransientProviderErrorWithoutStatus() throws IOException {
        int closedPort;
        try (var socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        URI nowhere = URI.create("http://127.0.0.1:" + closedPort + "/v1");
        var failure = assertInstanceOf(ProviderFailed.class, failureOf(() -> provider(nowhere, TIMEOUT)
                .complete(TestRequests.helloRequest(false), TestRequests.CONTEXT)));
        assertEquals(OptionalInt.empty(), failure.status());
        assertTrue(failure.transientFailure());
        assertTrue(failure.providerMessage().startsWith("connection failed: "), failure.providerMessage());
    }

    @Test
    void aResetConnectionIsATransientProviderErrorWithoutStatus() {
        answer(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
        var failure = assertInstanceOf(ProviderFailed.class, completeFailure());
        assertEquals(OptionalInt.empty(), failure.status());
        assertTrue(failure.transientFailure());
    }

    @Test
    void aCompletionIsBoundedAsAWholeNotPerRead() {
        // Every gap (about 150 ms) is shorter than the timeout; the whole answer (1.5 s) is not.
        answer(json(200, FIXTURES.text("chat-response.json")).withChunkedDribbleDelay(10, 1500));
        Duration timeout = Duration.ofMillis(500);
        assertEquals(new ProviderTimedOut(ProviderId.OPENAI, timeout), failureOf(() -> provider(timeout)
                .complete(TestRequests.helloRequest(false), TestRequests.CONTEXT)));
    }

    @Test
    void aProviderWithoutKeyIsUnavailableAndSendsNothing() {
        var provider = new OpenAiProviderFactory().create(ProviderSettingsFixtures.builder(ProviderId.OPENAI)
                .baseUrl(OPENAI.baseUrl() + "/v1").connectTimeout(Duration.ofSeconds(1)).requestTimeout(TIMEOUT)
                .build());
        var failure = assertInstanceOf(LlmFailure.ProviderUnavailable.class,
                failureOf(() -> provider.complete(TestRequests.helloRequest(false), TestRequests.CONTEXT)));
        assertEquals("no API key (OPENAI_API_KEY)", failure.reason());
        OPENAI.verify(0, postRequestedFor(urlEqualTo(PATH)));
    }

    // ---- Streams that go wrong -----------------------------------------------------------

    @Test
    void aStreamRefusedWithAnErrorStatusFailsLikeACompletion() {
        answer(json(429, FIXTURES.text("error-429.json")).withHeader("retry-after", "3"));
        List<StreamEvent> events = Collections.synchronizedList(new ArrayList<>());
        assertEquals(new RateLimited(ProviderId.OPENAI, Optional.of(Duration.ofSeconds(3))), streamFailure(events));
        assertTrue(events.isEmpty());
    }

    @Test
    void anErrorObjectInsideAStreamEndsItWithAFailureAfterTheDeltasSoFar() {
        String body = firstEvents(3) + "data: {\"error\":{\"message\":\"The server had an error while processing your "
                + "request. Sorry about that!\",\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n";
        answer(sse(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        List<StreamEvent> events = Collections.synchronizedList(new ArrayList<>());
        assertEquals(new ProviderFailed(ProviderId.OPENAI, OptionalInt.empty(),
                "The server had an error while processing your request. Sorry about that!", true), streamFailure(events));
        assertEquals(List.of("I'm", " unable"), deltas(events));
        assertEquals(2, events.size());
    }

    @Test
    void aStreamThatEndsWithoutDoneIsATransientProviderError() {
        answer(sse(firstEvents(33).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        List<StreamEvent> events = Collections.synchronizedList(new ArrayList<>());
        assertEquals(new ProviderFailed(ProviderId.OPENAI, OptionalInt.empty(),
                "stream ended before data: [DONE] after 33 events", true), streamFailure(events));
        assertEquals(30, deltas(events).size());
        assertTrue(events.stream().noneMatch(StreamEvent.Completed.class::isInstance));
    }

    @Test
    void aDoneWithoutItsClosingBlankLineIsNotADone() {
        answer(sse((firstEvents(33) + "data: [DONE]").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        var failure = assertInstanceOf(ProviderFailed.class, streamFailure(Collections.synchronizedList(new ArrayList<>())));
        assertEquals("stream ended before data: [DONE] after 33 events", failure.providerMessage());
    }

    @Test
    void aChunkThatIsNotJsonIsAMalformedResponse() {
        answer(sse((firstEvents(2) + "data: {\"id\": \"chatcmpl-x\", \"choi\n\n").getBytes(
                java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals(failed(200, "malformed response: stream event 3 is not valid JSON", false),
                streamFailure(Collections.synchronizedList(new ArrayList<>())));
    }

    @Test
    void aBrokenChunkedEncodingIsATransientProviderError() {
        answer(aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK));
        var failure = assertInstanceOf(ProviderFailed.class, streamFailure(Collections.synchronizedList(new ArrayList<>())));
        assertTrue(failure.transientFailure());
        assertEquals(OptionalInt.empty(), failure.status());
    }

    @Test
    void deltasReachTheSinkBeforeTheStreamEnds() {
        // Three events arrive at once, then nothing: what was read must already be with the caller.
        try (var upstream = new StallingUpstream(firstEvents(3).getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
            List<StreamEvent> events = Collections.synchronizedList(new ArrayList<>());
            Duration timeout = Duration.ofMillis(500);
            assertEquals(new ProviderTimedOut(ProviderId.OPENAI, timeout), failureOf(() -> provider(upstream.baseUrl(),
                    timeout).stream(TestRequests.helloRequest(true), TestRequests.CONTEXT, events::add)));
            assertEquals(List.of("I'm", " unable"), deltas(events));
        }
    }

    @Test
    void aThreadInterruptedBetweenEventsStopsReadingAndCancels() {
        answer(sse(FIXTURES.bytes("chat-stream.sse")));
        List<StreamEvent> events = Collections.synchronizedList(new ArrayList<>());
        assertThrows(java.util.concurrent.CancellationException.class, () -> assertTimeoutPreemptively(HANG_GUARD,
                () -> provider(TIMEOUT).stream(TestRequests.helloRequest(true), TestRequests.CONTEXT, event -> {
                    events.add(event);
                    Thread.currentThread().interrupt();
                })));
        assertEquals(1, events.size(), () -> "nothing after the interrupt: " + events);
    }

    @Test
    void aThreadInterruptedWhileWaitingForAChunkIsReleased() throws InterruptedException {
        try (var upstream = new StallingUpstream(firstEvents(3).getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
            var firstDelta = new java.util.concurrent.CountDownLatch(1);
            var outcome = new java.util.concurrent.atomic.AtomicReference<Throwable>();
            // Virtual, as in the service: its blocking socket reads are interruptible. The read
            // timeout is far beyond the join below, so only the interrupt can release the read.
            Thread caller = Thread.ofVirtual().start(() -> {
                try {
                    provider(upstream.baseUrl(), Duration.ofMinutes(5)).stream(TestRequests.helloRequest(true), TestRequests.CONTEXT,
                            event -> firstDelta.countDown());
                } catch (RuntimeException e) {
                    outcome.set(e);
                }
            });
            assertTrue(firstDelta.await(HANG_GUARD.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
            caller.interrupt();
            assertTrue(caller.join(HANG_GUARD), "the interrupted stream returned");
            assertInstanceOf(java.util.concurrent.CancellationException.class, outcome.get());
        }
    }

    /** The first {@code count} events of the recorded stream, each with its closing blank line. */
    private static String firstEvents(int count) {
        String[] events = FIXTURES.text("chat-stream.sse").split("\n\n");
        return String.join("\n\n", List.of(events).subList(0, count)) + "\n\n";
    }
}
