package io.llmclient.provider.anthropic;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.llmclient.provider.anthropic.TestRequests.A2A;
import static io.llmclient.provider.anthropic.TestRequests.CONTEXT;
import static io.llmclient.provider.anthropic.TestRequests.HAIKU;
import static io.llmclient.provider.anthropic.TestRequests.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.llmclient.application.provider.CallContext;
import io.llmclient.application.provider.LlmProvider;
import io.llmclient.application.testing.ProviderSettingsFixtures;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.ModelTier;
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
import java.io.Serial;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The adapter against WireMock standing in for {@code api.anthropic.com}, serving the recorded
 * fixtures: the exact request it receives, and the exact domain result or failure.
 */
class AnthropicProviderWireMockTest {
    private static final ProviderFixtures FIXTURES = ProviderFixtures.of(ProviderId.ANTHROPIC);

    private static final String KEY = "sk-ant-" + "test-canary-CANARY-not-a-real-key-00000000-wiremockonly-QX7Q";
    private static final String PATH = "/v1/messages";
    private static final Duration NORMAL_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STALL_TIMEOUT = Duration.ofMillis(300);
    private static final Duration HANG_GUARD = Duration.ofSeconds(15);
    // Recorded transport headers that describe the recorded body, not the one WireMock sends.
    private static final Set<String> TRANSPORT_HEADERS = Set.of("content-length", "connection", "transfer-encoding");
    private static final String WEATHER_BODY = """
            {"model":"claude-3-5-haiku-20241022","max_tokens":256,"system":"Be brief.",
             "messages":[{"role":"user","content":"What is the weather in SF?"}],"temperature":0.5}""";
    private static final String WEATHER_STREAM_BODY = """
            {"model":"claude-3-5-haiku-20241022","max_tokens":256,"system":"Be brief.",
             "messages":[{"role":"user","content":"What is the weather in SF?"}],"temperature":0.5,"stream":true}""";

    @RegisterExtension
    static final WireMockExtension UPSTREAM = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private static LlmProvider provider(URI baseUrl, Duration requestTimeout) {
        return new AnthropicProviderFactory().create(ProviderSettingsFixtures.builder(ProviderId.ANTHROPIC)
                .apiKey(KEY).baseUrl(baseUrl).connectTimeout(Duration.ofSeconds(2)).requestTimeout(requestTimeout)
                .build());
    }

    private static LlmProvider provider() {
        return provider(URI.create(UPSTREAM.baseUrl()), NORMAL_TIMEOUT);
    }

    private static ResponseDefinitionBuilder fixture(int status, String body, Map<String, String> headers) {
        ResponseDefinitionBuilder response = aResponse().withStatus(status).withBody(FIXTURES.bytes(body));
        headers.forEach((name, value) -> {
            if (!TRANSPORT_HEADERS.contains(name)) {
                response.withHeader(name, value);
            }
        });
        return response;
    }

    private static ResponseDefinitionBuilder sse(byte[] transcript) {
        ResponseDefinitionBuilder response = aResponse().withStatus(200).withBody(transcript);
        FIXTURES.headers("messages-stream-response-headers.json").forEach((name, value) -> {
            if (!TRANSPORT_HEADERS.contains(name)) {
                response.withHeader(name, value);
            }
        });
        return response;
    }

    private static void answer(ResponseDefinitionBuilder response) {
        UPSTREAM.stubFor(post(urlEqualTo(PATH)).willReturn(response));
    }

    /** The request every call here must have sent: path, Anthropic's headers, the A2A headers. */
    private static RequestPatternBuilder sent(String expectedJson) {
        return postRequestedFor(urlEqualTo(PATH))
                .withHeader("x-api-key", equalTo(KEY))
                .withHeader("anthropic-version", equalTo("2023-06-01"))
                .withHeader("content-type", equalTo("application/json"))
                .withHeader("X-Trace-Id", equalTo("t-123"))
                .withHeader("X-Source-Agent", equalTo("planner"))
                .withHeader("X-Session-Id", equalTo("s-9"))
                .withRequestBody(equalToJson(expectedJson));
    }

    /** What a stream delivered: its events in order, and the failure that ended it, if any. */
    private record Outcome(List<StreamEvent> events, Optional<LlmFailure> failure) {
    }

    private static Outcome stream(LlmProvider provider, ChatRequest request) {
        List<StreamEvent> events = Collections.synchronizedList(new ArrayList<>());
        try {
            assertTimeoutPreemptively(HANG_GUARD, () -> provider.stream(request, CONTEXT, events::add));
            return new Outcome(List.copyOf(events), Optional.empty());
        } catch (LlmFailureException failed) {
            return new Outcome(List.copyOf(events), Optional.of(failed.failure()));
        }
    }

    private static LlmFailure completeFailure(LlmProvider provider, ChatRequest request) {
        return assertThrows(LlmFailureException.class,
                () -> assertTimeoutPreemptively(HANG_GUARD, () -> provider.complete(request, CONTEXT))).failure();
    }

    /** The stream's events with the measured latency of its Completed set to zero. */
    private static List<StreamEvent> withoutLatency(List<StreamEvent> events) {
        return events.stream().map(event -> event instanceof StreamEvent.Completed done
                ? new StreamEvent.Completed(done.response().withLatency(Duration.ZERO)) : event).toList();
    }

    private static List<StreamEvent> expected(List<String> deltas, ChatResponse response) {
        List<StreamEvent> events = new ArrayList<>();
        deltas.forEach(delta -> events.add(new StreamEvent.Delta(delta)));
        events.add(new StreamEvent.Completed(response));
        return events;
    }

    private static ChatResponse response(String id, String providerModel, String content, FinishReason finish, Usage usage) {
        return ChatResponses.builder().id(id).model(HAIKU.id()).providerModel(providerModel)
                .provider(ProviderId.ANTHROPIC).content(content).finishReason(finish).usage(usage).traceId("t-123")
                .build();
    }

    // ---- complete ---------------------------------------------------------------------------

    @Test
    void aCompletionSendsTheExactRequestAndReturnsTheNormalisedAnswer() {
        Map<String, String> headers = new LinkedHashMap<>(FIXTURES.headers("response-identity-headers.json"));
        headers.put("content-type", "application/json");
        answer(fixture(200, "messages-response.json", headers));

        ChatResponse result = assertTimeoutPreemptively(HANG_GUARD, () -> provider().complete(TestRequests.weather(), CONTEXT));

        UPSTREAM.verify(exactly(1), sent(WEATHER_BODY).withHeader("accept", equalTo("application/json")));
        assertEquals(response("msg_01LzoWDaDa7jiMvVbBiguxJy", "claude-haiku-4-5-20251001",
                "The weather in SF is currently **20°C** (68°F) and **Sunny**!", FinishReason.STOP, new Usage(705, 25)),
                result.withLatency(Duration.ZERO));
    }

    @Test
    void anAnswersCacheCountsReachTheResponseAsCacheReadsAndWrites() {
        answer(aResponse().withStatus(200).withHeader("content-type", "application/json")
                .withBody(AnthropicResponseMapperTest.withCache(FIXTURES.json("messages-response.json")).toString()));

        ChatResponse result = assertTimeoutPreemptively(HANG_GUARD, () -> provider().complete(TestRequests.weather(), CONTEXT));

        assertEquals(new Usage(705 + 1200 + 30000, 25, 30000, 1200), result.usage());
    }

    @Test
    void theDocumentedSystemPromptRequestReachesTheWireAsRecorded() {
        answer(fixture(200, "messages-response.json", Map.of("content-type", "application/json")));
        var sonnet37 = new ModelEntry("claude-3-7-sonnet", ProviderId.ANTHROPIC,
                ModelTier.BALANCED, "claude-3-7-sonnet-20250219");

        ChatResponse result = provider().complete(TestRequests.dataScientist(), new CallContext(sonnet37, A2A));

        UPSTREAM.verify(exactly(1), sent(FIXTURES.text("messages-request.json")));
        assertEquals("claude-3-7-sonnet", result.model(), "model is the catalog id");
        assertEquals("claude-haiku-4-5-20251001", result.providerModel(), "provider model is what upstream said");
    }

    @Test
    void theUpstreamRequestCarriesTheAttemptsTraceparent() {
        answer(fixture(200, "messages-response.json", Map.of("content-type", "application/json")));
        provider().complete(TestRequests.request(user("Hi")),
                CONTEXT.withTraceHeaders(Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")));
        UPSTREAM.verify(exactly(1), postRequestedFor(urlEqualTo(PATH))
                .withHeader("traceparent", equalTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")));
    }

    @Test
    void withoutMaxTokensTheConfiguredDefaultForTheModelIsSent() {
        answer(fixture(200, "messages-response.json", Map.of("content-type", "application/json")));
        LlmProvider provider = new AnthropicProviderFactory().create(ProviderSettingsFixtures
                .builder(ProviderId.ANTHROPIC).apiKey(KEY).baseUrl(UPSTREAM.baseUrl())
                .connectTimeout(Duration.ofSeconds(2)).requestTimeout(NORMAL_TIMEOUT)
                .option("default_max_tokens", "1000").option("default_max_tokens.claude-3-5-haiku-20241022", "777")
                .build());

        provider.complete(TestRequests.request(user("Hi")), CONTEXT);

        UPSTREAM.verify(exactly(1), sent("""
                {"model":"claude-3-5-haiku-20241022","max_tokens":777,"messages":[{"role":"user","content":"Hi"}]}"""));
    }

    @Test
    void unknownA2aHeadersAreNotSent() {
        answer(fixture(200, "messages-response.json", Map.of("content-type", "application/json")));

        provider().complete(TestRequests.request(user("Hi")), new CallContext(HAIKU, A2aContext.ofTrace("t-only")));

        UPSTREAM.verify(exactly(1), postRequestedFor(urlEqualTo(PATH))
                .withHeader("X-Trace-Id", equalTo("t-only"))
                .withHeader("X-Source-Agent", absent())
                .withHeader("X-Session-Id", absent()));
    }

    @Test
    void aTruncatedJsonAnswerIsAFinalProviderErrorWithItsStatus() {
        byte[] whole = FIXTURES.bytes("messages-response.json");
        answer(aResponse().withStatus(200).withHeader("content-type", "application/json")
                .withBody(Arrays.copyOf(whole, 200)));

        assertEquals(new ProviderFailed(ProviderId.ANTHROPIC, OptionalInt.of(200),
                "malformed response: body is not valid JSON (application/json, 200 bytes)", false),
                completeFailure(provider(), TestRequests.weather()));
    }

    @Test
    void aCompletionThatStallsTimesOut() {
        answer(fixture(200, "messages-response.json", Map.of("content-type", "application/json")).withFixedDelay(2_000));

        LlmFailure failure = completeFailure(provider(URI.create(UPSTREAM.baseUrl()), STALL_TIMEOUT), TestRequests.weather());

        assertEquals(new ProviderTimedOut(ProviderId.ANTHROPIC, STALL_TIMEOUT), failure);
    }

    @Test
    void aConnectionResetIsATransientProviderErrorWithoutStatus() {
        answer(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));

        var failed = (ProviderFailed) completeFailure(provider(), TestRequests.weather());

        assertEquals(OptionalInt.empty(), failed.status());
        assertEquals(true, failed.transientFailure());
    }

    @Test
    void withoutAKeyTheProviderIsUnavailableAndCallsNothing() {
        LlmProvider keyless = new AnthropicProviderFactory().create(ProviderSettingsFixtures
                .builder(ProviderId.ANTHROPIC).baseUrl(UPSTREAM.baseUrl()).connectTimeout(Duration.ofSeconds(2))
                .requestTimeout(NORMAL_TIMEOUT).build());

        LlmFailure failure = completeFailure(keyless, TestRequests.weather());

        assertEquals(LlmFailure.ProviderUnavailable.forModel(HAIKU.id(), ProviderId.ANTHROPIC,
                "no API key (ANTHROPIC_API_KEY)"), failure);
        UPSTREAM.verify(exactly(0), postRequestedFor(urlEqualTo(PATH)));
    }

    // ---- errors -----------------------------------------------------------------------------

    static Stream<Arguments> errorFixtures() {
        Map<String, String> json = Map.of("content-type", "application/json");
        Map<String, String> rateLimitWithWait = new LinkedHashMap<>(FIXTURES.headers("ratelimit-headers.json"));
        rateLimitWithWait.put("retry-after", "7");
        return Stream.of(
                Arguments.of(400, "error-400.json", FIXTURES.headers("error-400-headers.json"),
                        new ProviderFailed(ProviderId.ANTHROPIC, OptionalInt.of(400), "invalid_request_error: "
                                + FIXTURES.json("error-400.json").path("error").path("message").asText(), false)),
                Arguments.of(401, "error-401.json", json, new ProviderFailed(ProviderId.ANTHROPIC, OptionalInt.of(401),
                        "authentication_error: invalid x-api-key", false)),
                Arguments.of(404, "error-404.json", json, new ProviderFailed(ProviderId.ANTHROPIC, OptionalInt.of(404),
                        "not_found_error: The requested resource could not be found.", false)),
                Arguments.of(429, "error-429.json", FIXTURES.headers("error-429-headers.json"),
                        new RateLimited(ProviderId.ANTHROPIC, Optional.empty())),
                Arguments.of(429, "error-429.json", rateLimitWithWait,
                        new RateLimited(ProviderId.ANTHROPIC, Optional.of(Duration.ofSeconds(7)))),
                Arguments.of(429, "error-429.json", Map.of("retry-after-ms", "1500", "retry-after", "2"),
                        new RateLimited(ProviderId.ANTHROPIC, Optional.of(Duration.ofMillis(1500)))),
                Arguments.of(529, "error-529-overloaded.json", json, new ProviderFailed(ProviderId.ANTHROPIC,
                        OptionalInt.of(529), "overloaded_error: Overloaded", true)),
                Arguments.of(500, "error-529-overloaded.json", json, new ProviderFailed(ProviderId.ANTHROPIC,
                        OptionalInt.of(500), "overloaded_error: Overloaded", true)));
    }

    @ParameterizedTest(name = "HTTP {0} {1} {2}")
    @MethodSource("errorFixtures")
    void everyErrorAnswerOfACompletionMapsToItsFailure(int status, String body, Map<String, String> headers,
                                                       LlmFailure expected) {
        answer(fixture(status, body, headers));

        assertEquals(expected, completeFailure(provider(), TestRequests.weather()));
        UPSTREAM.verify(exactly(1), sent(WEATHER_BODY));
    }

    @ParameterizedTest(name = "HTTP {0} {1} {2}")
    @MethodSource("errorFixtures")
    void everyErrorAnswerToAStreamRequestIsThrownBeforeAnyEvent(int status, String body, Map<String, String> headers,
                                                               LlmFailure expected) {
        answer(fixture(status, body, headers));

        Outcome outcome = stream(provider(), TestRequests.weather());

        assertEquals(new Outcome(List.of(), Optional.of(expected)), outcome);
    }

    @Test
    void theKeyNeverComesBackInA401() {
        answer(aResponse().withStatus(401).withHeader("content-type", "application/json").withBody(
                "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key: "
                        + KEY + "\"}}"));

        LlmFailure failure = completeFailure(provider(), TestRequests.weather());

        for (int start = 0; start + 8 <= KEY.length() - 4; start++) {
            String run = KEY.substring(start, start + 8);
            assertFalse(failure.message().contains(run), () -> "key leaked: " + failure.message());
        }
    }

    @Test
    void eachAttemptOfTheRecordedRetrySequenceIsClassifiedOnItsOwn() {
        var sequence = FIXTURES.json("retry-sequence-429-429-200.json");
        String[] states = {Scenario.STARTED, "second", "third"};
        for (int i = 0; i < 3; i++) {
            var recorded = sequence.get(i).path("response");
            ResponseDefinitionBuilder response = aResponse().withStatus(recorded.path("status_code").asInt());
            recorded.path("headers").properties().forEach(header -> {
                if (!TRANSPORT_HEADERS.contains(header.getKey())) {
                    response.withHeader(header.getKey(), header.getValue().asText());
                }
            });
            var body = recorded.path("body");
            response.withBody(body.isTextual() ? body.asText() : body.toString());
            UPSTREAM.stubFor(post(urlEqualTo(PATH)).inScenario("retry").whenScenarioStateIs(states[i])
                    .willReturn(response).willSetStateTo(i < 2 ? states[i + 1] : "done"));
        }
        LlmProvider provider = provider();

        Outcome first = stream(provider, TestRequests.weather());
        Outcome second = stream(provider, TestRequests.weather());
        Outcome third = stream(provider, TestRequests.weather());

        var limited = new RateLimited(ProviderId.ANTHROPIC, Optional.empty());
        assertEquals(new Outcome(List.of(), Optional.of(limited)), first);
        assertEquals(new Outcome(List.of(), Optional.of(limited)), second);
        assertEquals(Optional.empty(), third.failure());
        assertEquals("[12345,67890]", ((StreamEvent.Completed) third.events().getLast()).response().content());
    }

    // ---- stream -----------------------------------------------------------------------------

    @Test
    void theRecordedStreamIsDeliveredDeltaByDeltaThenCompleted() {
        answer(sse(FIXTURES.bytes("messages-stream.sse")));

        Outcome outcome = stream(provider(), TestRequests.weather());

        UPSTREAM.verify(exactly(1), sent(WEATHER_STREAM_BODY).withHeader("accept", equalTo("text/event-stream")));
        List<String> deltas = List.of("The weather in San Francisco, CA is", " currently", ":", "\n- **Temperature:**",
                " 68°F\n- **", "Condition:** Sunny\n\nIt", "'s", " a nice", " sunny day!");
        assertEquals(expected(deltas, response("msg_016HxyUMAncysqX7dn1kWNRx", "claude-haiku-4-5-20251001",
                String.join("", deltas), FinishReason.STOP, new Usage(770, 38))), withoutLatency(outcome.events()));
        assertEquals(Optional.empty(), outcome.failure());
    }

    @Test
    void aStreamsCacheCountsReachTheCompletedResponseAsCacheReadsAndWrites() {
        answer(sse(AnthropicStreamDecoderTest.withCache(FIXTURES.text("messages-stream.sse"))
                .getBytes(StandardCharsets.UTF_8)));

        Outcome outcome = stream(provider(), TestRequests.weather());

        assertEquals(Optional.empty(), outcome.failure());
        var completed = assertInstanceOf(StreamEvent.Completed.class, outcome.events().getLast());
        assertEquals(new Usage(770 + 1200 + 30000, 38, 30000, 1200), completed.response().usage());
    }

    @Test
    void theStreamIsReportedOpenedOnceAtMessageStartBeforeAnyDelta() {
        answer(sse(FIXTURES.bytes("messages-stream.sse")));
        List<String> seen = new ArrayList<>();

        provider().stream(TestRequests.weather(), CONTEXT, new io.llmclient.application.provider.StreamSink() {
            @Override
            public boolean opened() {
                seen.add("opened");
                return true;
            }

            @Override
            public void accept(StreamEvent event) {
                seen.add(event.getClass().getSimpleName());
            }
        });

        assertEquals(List.of("opened", "Delta"), seen.subList(0, 2));
        assertEquals(1, java.util.Collections.frequency(seen, "opened"));
        assertEquals("Completed", seen.getLast());
    }

    @Test
    void theGaEndpointStreamIsDeliveredDeltaByDelta() {
        answer(sse(FIXTURES.bytes("messages-stream-ga.sse")));

        Outcome outcome = stream(provider(), TestRequests.weather());

        assertEquals(expected(List.of("[", "12", "345,", "67890]"), response("msg_013nnniYDrJDocdy5nrMU7cH",
                "claude-sonnet-4-5-20250929", "[12345,67890]", FinishReason.STOP, new Usage(135, 10))),
                withoutLatency(outcome.events()));
    }

    @Test
    void theDocumentedStreamIsDeliveredDeltaByDelta() {
        answer(sse(FIXTURES.bytes("messages-stream-docs.sse")));

        Outcome outcome = stream(provider(), TestRequests.weather());

        assertEquals(expected(List.of("Hello", "!"), response("msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY",
                "claude-sonnet-4-5-20250929", "Hello!", FinishReason.STOP, new Usage(25, 15))),
                withoutLatency(outcome.events()));
    }

    @Test
    void aToolUseStreamSendsNoTextOnlyTheCallsFragmentsAndEndsWithTheCall() {
        answer(sse(FIXTURES.bytes("messages-stream-tooluse.sse")));

        Outcome outcome = stream(provider(), TestRequests.weather());

        List<StreamEvent> expected = new ArrayList<>(ToolFixtures.recordedCallEvents(0));
        expected.add(new StreamEvent.Completed(ChatResponses.builder().id("msg_01AusY9WEbCaj3N7Tv5J4YjH")
                .model(HAIKU.id()).providerModel("claude-haiku-4-5-20251001").provider(ProviderId.ANTHROPIC)
                .content("").toolCalls(ToolFixtures.CALL).finishReason(FinishReason.TOOL_CALLS).usage(656, 74)
                .traceId("t-123").build()));
        assertEquals(new Outcome(expected, Optional.empty()),
                new Outcome(withoutLatency(outcome.events()), outcome.failure()));
    }

    @Test
    void anOverloadedErrorEventMidStreamEndsItWithATransientProviderError() {
        answer(sse(FIXTURES.bytes("messages-stream-error.sse")));

        Outcome outcome = stream(provider(), TestRequests.weather());

        assertEquals(new Outcome(List.of(new StreamEvent.Delta("Hello")), Optional.of(new ProviderFailed(
                ProviderId.ANTHROPIC, OptionalInt.empty(), "overloaded_error: Overloaded", true))), outcome);
    }

    @Test
    void unknownEventTypesAreIgnored() {
        String transcript = FIXTURES.text("messages-stream-docs.sse").replace("event: ping\n",
                "event: brand_new_event\ndata: {\"type\":\"brand_new_event\",\"x\":1}\n\nevent: ping\n");
        answer(sse(transcript.getBytes(StandardCharsets.UTF_8)));

        Outcome outcome = stream(provider(), TestRequests.weather());

        assertEquals(expected(List.of("Hello", "!"), response("msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY",
                "claude-sonnet-4-5-20250929", "Hello!", FinishReason.STOP, new Usage(25, 15))),
                withoutLatency(outcome.events()));
    }

    @Test
    void aStreamThatEndsWithoutMessageStopFailsAfterItsDeltas() {
        String transcript = FIXTURES.text("messages-stream-docs.sse");
        answer(sse(transcript.substring(0, transcript.indexOf("event: message_stop")).getBytes(StandardCharsets.UTF_8)));

        Outcome outcome = stream(provider(), TestRequests.weather());

        assertEquals(new Outcome(List.of(new StreamEvent.Delta("Hello"), new StreamEvent.Delta("!")),
                Optional.of(new ProviderFailed(ProviderId.ANTHROPIC, OptionalInt.empty(),
                        "stream ended before message_stop after 7 events", true))), outcome);
    }

    @Test
    void truncatedJsonInAStreamEventEndsItWithAFinalProviderError() {
        String transcript = FIXTURES.text("messages-stream-docs.sse")
                .replace("\"text\": \"!\"}}", "\"text\": \"!");
        answer(sse(transcript.getBytes(StandardCharsets.UTF_8)));

        Outcome outcome = stream(provider(), TestRequests.weather());

        assertEquals(new Outcome(List.of(new StreamEvent.Delta("Hello")), Optional.of(new ProviderFailed(
                ProviderId.ANTHROPIC, OptionalInt.of(200),
                "malformed response: stream event 5 (content_block_delta) is not valid JSON", false))), outcome);
    }

    @Test
    void aStreamThatStallsBeforeItsHeadersTimesOut() {
        answer(sse(FIXTURES.bytes("messages-stream-docs.sse")).withFixedDelay(2_000));

        Outcome outcome = stream(provider(URI.create(UPSTREAM.baseUrl()), STALL_TIMEOUT), TestRequests.weather());

        assertEquals(new Outcome(List.of(), Optional.of(new ProviderTimedOut(ProviderId.ANTHROPIC, STALL_TIMEOUT))),
                outcome);
    }

    @Test
    void aStreamThatStallsAfterItsFirstDeltaTimesOutAndTheDeltaWasAlreadyDelivered() {
        String transcript = FIXTURES.text("messages-stream-docs.sse");
        String firstPart = transcript.substring(0, transcript.indexOf("event: content_block_delta",
                transcript.indexOf("\"Hello\"")));
        try (var upstream = new StallingUpstream(firstPart.getBytes(StandardCharsets.UTF_8))) {
            Outcome outcome = stream(provider(upstream.baseUrl(), STALL_TIMEOUT), TestRequests.weather());

            assertEquals(new Outcome(List.of(new StreamEvent.Delta("Hello")),
                    Optional.of(new ProviderTimedOut(ProviderId.ANTHROPIC, STALL_TIMEOUT))), outcome);
        }
    }

    @Test
    void aSinkThatThrowsStopsTheStreamWithItsOwnException() {
        answer(sse(FIXTURES.bytes("messages-stream.sse")));
        List<StreamEvent> seen = new ArrayList<>();
        var gone = new CallerGone();

        RuntimeException thrown = assertThrows(RuntimeException.class, () -> provider().stream(TestRequests.weather(),
                CONTEXT, event -> {
                    seen.add(event);
                    throw gone;
                }));

        assertSame(gone, thrown);
        assertEquals(List.of(new StreamEvent.Delta("The weather in San Francisco, CA is")), seen);
    }

    /** What a sink throws when its caller has gone away. */
    private static final class CallerGone extends RuntimeException {
        @Serial
        private static final long serialVersionUID = 1L;

        CallerGone() {
            super("caller disconnected", null, false, false);
        }
    }
}
