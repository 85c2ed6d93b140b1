package io.llmclient.provider.support.skeleton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientRequest;
import io.llmclient.application.provider.ApiKey;
import io.llmclient.application.provider.Availability;
import io.llmclient.application.provider.CallContext;
import io.llmclient.application.provider.LlmProvider;
import io.llmclient.application.provider.ProviderSettings;
import io.llmclient.application.provider.StreamSink;
import io.llmclient.application.provider.Transport;
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
import io.llmclient.domain.failure.LlmFailure.ProviderTimedOut;
import io.llmclient.domain.failure.LlmFailure.ProviderUnavailable;
import io.llmclient.domain.failure.LlmFailure.RateLimited;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.domain.testing.ChatResponses;
import io.llmclient.domain.tools.ToolCall;
import io.llmclient.provider.support.http.ErrorAnswers;
import io.llmclient.provider.support.http.HttpReply;
import io.llmclient.provider.support.sse.ServerSentEvent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The skeleton every HTTP provider runs on, driven by a made-up provider whose wire is as small
 * as a wire can be: a JSON body {@code {"model","prompt","stream"}}, a whole answer
 * {@code {"id","model","text"}}, and a stream whose event types say what they are.
 */
class HttpProviderTest {
    private static final ProviderId PLAIN = new ProviderId("plain");
    private static final String KEY = "sk-" + "test-canary-skeleton-0123456789-WXYZ";
    // Generous: the first call of the run loads (and instruments, for the fuzz tests) many classes.
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final A2aContext A2A = new A2aContext("t-skeleton", Optional.of("planner"), Optional.empty());
    private static final CallContext CONTEXT = new CallContext(
            new ModelEntry("plain-fast", PLAIN, ModelTier.FAST, "plain-model-1"), A2A);
    private static final ChatRequest REQUEST = ChatRequest.of("plain-fast", List.of(new Message(Role.USER, "Hi")), A2A);
    // Every count distinct and non-zero, so a skeleton that rebuilt or dropped any of them would show.
    private static final Usage ANSWER_USAGE = new Usage(10, 2, 6, 3);
    private static final Usage STREAM_USAGE = new Usage(30, 4, 20, 5);

    private final Map<String, String> seen = new ConcurrentHashMap<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private HttpServer server;

    @AfterEach
    void stop() {
        release.countDown();
        if (server != null) {
            server.stop(0);
        }
    }

    // ---- The made-up provider ---------------------------------------------------------------

    private static final class PlainRequests implements RequestMapper {
        private final String endpoint;

        PlainRequests(URI baseUrl) {
            this.endpoint = baseUrl + "/call";
        }

        @Override
        public ObjectNode body(ChatRequest request, CallContext context, boolean stream) {
            return JSON.createObjectNode().put("model", context.model().providerModel())
                    .put("prompt", request.messages().getLast().content()).put("stream", stream);
        }

        @Override
        public Http1ClientRequest request(Http1Client client, ApiKey key, CallContext context, boolean stream) {
            return client.post(endpoint).header(HeaderNames.create("X-Key"), key.value());
        }

        @Override
        public String endpoint() {
            return endpoint;
        }
    }

    private static Completion plainAnswer(HttpReply reply) {
        JsonNode root = ResponseMapper.readJson(JSON, reply);
        if (!root.path("text").isTextual()) {
            throw new WireFormatException("no text");
        }
        return new Completion(root.path("id").asText(""), root.path("model").asText(""), root.get("text").asText(),
                FinishReason.STOP, ANSWER_USAGE);
    }

    /** Event types: start (accepted), text, call, finish (whole), end (done), error, bad (malformed). */
    private static final class PlainEvents implements StreamDecoder {
        private boolean accepted;
        private boolean finished;
        private boolean done;
        private boolean unfinishable;

        @Override
        public void decode(ServerSentEvent event, StreamAssembler into) {
            switch (event.type()) {
                case "start" -> accepted = true;
                case "text" -> into.text(event.data());
                case "call" -> into.toolCall(StreamEvent.ToolCallDelta.start(into.toolCalls().size(),
                        "call_" + into.events(), event.data(), "{}"));
                case "finish" -> finished = true;
                case "end" -> {
                    done = true;
                    unfinishable = "unfinishable".equals(event.data());
                }
                case "error" -> {
                    try {
                        throw into.failure(JSON.readTree(event.data()));
                    } catch (IOException notJson) {
                        throw new WireFormatException("error event " + into.events() + " is not JSON");
                    }
                }
                default -> throw new WireFormatException("event " + into.events() + " is " + event.type());
            }
        }

        @Override
        public boolean accepted() {
            return accepted && !done;
        }

        @Override
        public boolean done() {
            return done;
        }

        @Override
        public boolean whole() {
            return finished || done;
        }

        @Override
        public String endedEarly(int events) {
            return "ended early after " + events + " events";
        }

        @Override
        public Completion finish(StreamAssembler assembled) {
            if (unfinishable) {
                throw new WireFormatException("no answer to finish");
            }
            return assembled.completion("s1", "", FinishReason.STOP, STREAM_USAGE);
        }
    }

    private static final class PlainErrors extends ErrorMapper {
        private final boolean byStatusAlone;

        PlainErrors(Optional<ApiKey> key, boolean byStatusAlone) {
            super(PLAIN, key, Clock.systemUTC());
            this.byStatusAlone = byStatusAlone;
        }

        @Override
        public boolean classifiesWithoutBody() {
            return byStatusAlone;
        }

        @Override
        public LlmFailure fromStream(JsonNode error) {
            return new ProviderFailed(PLAIN, OptionalInt.empty(), redact(describe(error)), true);
        }

        @Override
        protected Optional<JsonNode> errorObject(byte[] body) {
            return ErrorAnswers.errorObject(JSON, body);
        }

        @Override
        protected String describe(JsonNode error) {
            return error.path("message").asText();
        }

        @Override
        protected String describeUnreadable(int status, java.util.function.Function<String, Optional<String>> header,
                                            byte[] body) {
            return "unreadable HTTP " + status;
        }
    }

    private static ProviderSettings settings(boolean enabled, Optional<ApiKey> key, URI baseUrl, Duration timeout,
                                             long maxResponseBytes) {
        return ProviderSettingsFixtures.builder(PLAIN).enabled(enabled).apiKey(key).baseUrl(baseUrl)
                .connectTimeout(Duration.ofSeconds(2)).requestTimeout(timeout)
                .transport(new Transport(List.of(), false, maxResponseBytes)).build();
    }

    private static LlmProvider provider(ProviderSettings settings, boolean byStatusAlone) {
        URI baseUrl = settings.baseUrl().orElseThrow();
        return new HttpProvider(settings, baseUrl, new ProviderParts(PLAIN, "PLAIN_API_KEY", JSON,
                new PlainRequests(baseUrl), HttpProviderTest::plainAnswer, PlainEvents::new,
                new PlainErrors(settings.apiKey(), byStatusAlone)));
    }

    private static LlmProvider provider(URI baseUrl) {
        return provider(settings(true, Optional.of(new ApiKey(KEY)), baseUrl, TIMEOUT, 1024 * 1024), false);
    }

    // ---- The upstream --------------------------------------------------------------------------

    /** Answers every call with {@code status} and {@code body}; when {@code stall}, holds the body open after it. */
    private URI serve(int status, String contentType, String body, boolean stall) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            seen.put("body", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            seen.put("key", String.valueOf(exchange.getRequestHeaders().getFirst("X-Key")));
            seen.put("trace", String.valueOf(exchange.getRequestHeaders().getFirst("X-Trace-Id")));
            seen.put("path", exchange.getRequestURI().getPath());
            exchange.getResponseHeaders().add("Content-Type", contentType);
            exchange.getResponseHeaders().add("Retry-After", "2");
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, stall ? 0 : bytes.length == 0 ? -1 : bytes.length);
            var out = exchange.getResponseBody();
            out.write(bytes);
            out.flush();
            if (stall) {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            exchange.close();
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/plain");
    }

    private URI serveJson(int status, String body) throws IOException {
        return serve(status, "application/json", body, false);
    }

    private URI serveEvents(String events) throws IOException {
        return serve(200, "text/event-stream", events, false);
    }

    private static String event(String type, String data) {
        return "event: " + type + "\ndata: " + data + "\n\n";
    }

    private static LlmFailure failureOf(Runnable call) {
        return assertThrows(LlmFailureException.class, call::run).failure();
    }

    /** A sink that records what it hears, {@code "opened"} included. */
    private static final class Recording implements StreamSink {
        final List<Object> heard = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void accept(StreamEvent event) {
            heard.add(event);
        }

        @Override
        public boolean opened() {
            heard.add("opened");
            return true;
        }

        ChatResponse completed() {
            return assertInstanceOf(StreamEvent.Completed.class, heard.getLast()).response();
        }
    }

    /** A sink that records each delta with its hint, each flush, and the end. */
    private static final class Batching implements StreamSink {
        final List<String> heard = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void accept(StreamEvent event) {
            heard.add(event instanceof StreamEvent.Completed ? "completed" : event + " alone");
        }

        @Override
        public void accept(StreamEvent event, boolean moreAtHand) {
            heard.add(((StreamEvent.Delta) event).text() + (moreAtHand ? " held" : " now"));
        }

        @Override
        public void flush() {
            heard.add("flush");
        }
    }

    // ---- Availability ------------------------------------------------------------------------

    @Test
    void aProviderWithAKeyIsUpAndItsDescriptionShowsTheEndpointButNotTheKey() {
        var provider = provider(URI.create("http://127.0.0.1:9/plain"));
        assertEquals(Availability.up(), provider.availability());
        assertEquals(PLAIN, provider.id());
        assertEquals("HttpProvider[plain, http://127.0.0.1:9/plain/call, key " + new ApiKey(KEY).masked() + "]",
                provider.toString());
    }

    @Test
    void withoutAKeyItIsDownNamingTheKeysVariableAndRefusesEveryCallBeforeSendingAnything() throws IOException {
        URI upstream = serveJson(200, "{\"text\":\"never\"}");
        var provider = provider(settings(true, Optional.empty(), upstream, TIMEOUT, 1024), false);
        assertEquals(Availability.down("no API key (PLAIN_API_KEY)"), provider.availability());
        var refused = assertInstanceOf(ProviderUnavailable.class, failureOf(() -> provider.complete(REQUEST, CONTEXT)));
        assertEquals("no API key (PLAIN_API_KEY)", refused.reason());
        assertInstanceOf(ProviderUnavailable.class, failureOf(() -> provider.stream(REQUEST, CONTEXT, event -> { })));
        assertTrue(seen.isEmpty(), "nothing was sent");
        assertTrue(provider.toString().endsWith("key absent]"), provider::toString);
    }

    @Test
    void aSwitchedOffProviderIsDownEvenWithAKey() {
        var provider = provider(settings(false, Optional.of(new ApiKey(KEY)), URI.create("http://127.0.0.1:9"),
                TIMEOUT, 1024), false);
        assertEquals(Availability.down("switched off by configuration"), provider.availability());
        assertEquals(ProviderUnavailable.forModel("plain-fast", PLAIN, "switched off by configuration"),
                failureOf(() -> provider.complete(REQUEST, CONTEXT)));
    }

    // ---- complete ----------------------------------------------------------------------------

    @Test
    void aCompletionSendsTheMappedBodyWithTheKeyAndTheA2aHeadersAndAnswersInTheCallsTerms() throws IOException {
        URI upstream = serveJson(200, "{\"id\":\"a1\",\"model\":\"plain-model-1-0501\",\"text\":\"Hello\"}");
        ChatResponse response = provider(upstream).complete(REQUEST, CONTEXT);
        assertEquals("{\"model\":\"plain-model-1\",\"prompt\":\"Hi\",\"stream\":false}", seen.get("body"));
        assertEquals(KEY, seen.get("key"));
        assertEquals("t-skeleton", seen.get("trace"));
        assertEquals("/plain/call", seen.get("path"));
        assertEquals(ChatResponses.builder().id("a1").model("plain-fast").providerModel("plain-model-1-0501")
                .provider(PLAIN).content("Hello").finishReason(FinishReason.STOP).usage(ANSWER_USAGE).traceId("t-skeleton")
                .latency(response.latency()).build(), response);
    }

    @Test
    void anAnswerThatNamesNoModelIsTheCatalogsProviderModel() throws IOException {
        URI upstream = serveJson(200, "{\"text\":\"Hello\"}");
        ChatResponse response = provider(upstream).complete(REQUEST, CONTEXT);
        assertEquals("plain-model-1", response.providerModel());
        assertEquals("", response.id());
    }

    @Test
    void anErrorAnswerIsTheErrorMappersFailureWithoutTheKey() throws IOException {
        URI upstream = serveJson(503, "{\"error\":{\"message\":\"down, key " + KEY + "\"}}");
        var failed = assertInstanceOf(ProviderFailed.class, failureOf(() -> provider(upstream).complete(REQUEST, CONTEXT)));
        assertEquals(OptionalInt.of(503), failed.status());
        assertTrue(failed.transientFailure());
        assertTrue(failed.providerMessage().startsWith("down, key "), failed::providerMessage);
        assertFalse(failed.providerMessage().contains("canary-skeleton"), failed::providerMessage);
    }

    @Test
    void aRateLimitCarriesTheRetryAfterWait() throws IOException {
        URI upstream = serveJson(429, "{\"error\":{\"message\":\"slow down\"}}");
        assertEquals(new RateLimited(PLAIN, Optional.of(Duration.ofSeconds(2))),
                failureOf(() -> provider(upstream).complete(REQUEST, CONTEXT)));
    }

    @Test
    void aSuccessOfTheWrongShapeIsAPermanentMalformedResponseWithItsStatus() throws IOException {
        URI upstream = serveJson(200, "{\"id\":\"a1\"}");
        assertEquals(new ProviderFailed(PLAIN, OptionalInt.of(200), "malformed response: no text", false),
                failureOf(() -> provider(upstream).complete(REQUEST, CONTEXT)));
    }

    // ---- What a whole answer's JSON reading says (moved here from ProviderExchange) ------------

    @Test
    void aJsonAnswerIsReadAsATree() {
        var reply = new HttpReply(200, Map.of(), "{\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals("x", ResponseMapper.readJson(JSON, reply).get("id").asText());
    }

    @Test
    void anEmptySuccessIsMalformed() {
        var refused = assertThrows(WireFormatException.class,
                () -> ResponseMapper.readJson(JSON, new HttpReply(200, Map.of(), new byte[0])));
        assertEquals(new ProviderFailed(PLAIN, OptionalInt.of(200), "malformed response: empty body", false),
                new PlainErrors(Optional.empty(), false).malformed(200, refused.getMessage()));
    }

    @Test
    void aSuccessThatIsNotJsonIsMalformedNamingItsTypeAndSize() {
        var reply = new HttpReply(200, Map.of("Content-Type", "text/html"), "<html>".getBytes(StandardCharsets.UTF_8));
        var refused = assertThrows(WireFormatException.class, () -> ResponseMapper.readJson(JSON, reply));
        assertEquals(new ProviderFailed(PLAIN, OptionalInt.of(200),
                        "malformed response: body is not valid JSON (text/html, 6 bytes)", false),
                new PlainErrors(Optional.empty(), false).malformed(200, refused.getMessage()));
    }

    @Test
    void aSuccessWithoutAContentTypeThatIsNotJsonSaysSo() {
        var reply = new HttpReply(200, Map.of(), "nope".getBytes(StandardCharsets.UTF_8));
        assertEquals("body is not valid JSON (no content type, 4 bytes)",
                assertThrows(WireFormatException.class, () -> ResponseMapper.readJson(JSON, reply)).getMessage());
    }

    // ---- stream ------------------------------------------------------------------------------

    @Test
    void aStreamOpensOnceThenHandsOnEachDeltaInOrderThenOneCompleted() throws IOException {
        URI upstream = serveEvents(event("start", "{}") + event("text", "Hel") + event("text", "")
                + event("call", "now") + event("text", "lo") + event("end", "{}") + "event: text\ndata: after\n\n");
        var sink = new Recording();
        provider(upstream).stream(REQUEST, CONTEXT, sink);
        assertEquals("{\"model\":\"plain-model-1\",\"prompt\":\"Hi\",\"stream\":true}", seen.get("body"));
        assertEquals(List.of("opened", new StreamEvent.Delta("Hel"), StreamEvent.ToolCallDelta.start(0, "call_4", "now",
                "{}"), new StreamEvent.Delta("lo")), sink.heard.subList(0, 4));
        assertEquals(5, sink.heard.size(), () -> "nothing after the last event: " + sink.heard);
        assertEquals(ChatResponses.builder().id("s1").model("plain-fast").providerModel("plain-model-1")
                .provider(PLAIN).content("Hello").toolCalls(new ToolCall("call_4", "now", "{}"))
                .finishReason(FinishReason.STOP).usage(STREAM_USAGE).traceId("t-skeleton").latency(sink.completed().latency())
                .build(), sink.completed());
    }

    @Test
    void eventsThatCameInOneReadAreHandedOnHeldThenFlushedOnceBeforeTheNextWait() throws IOException {
        // One write upstream: the three events arrive in one read; then the body stays open (a wait).
        URI upstream = serve(200, "text/event-stream", event("text", "Hel") + event("text", "lo")
                + event("finish", "{}"), true);
        var sink = new Batching();
        provider(settings(true, Optional.of(new ApiKey(KEY)), upstream, Duration.ofMillis(300), 1024), false)
                .stream(REQUEST, CONTEXT, sink);
        assertEquals(List.of("Hel held", "lo held", "flush", "completed"), sink.heard);
    }

    @Test
    void aSinkThatIgnoresTheHintHearsEveryDeltaAsBefore() throws IOException {
        URI upstream = serveEvents(event("text", "Hel") + event("text", "lo") + event("end", "{}"));
        var sink = new Recording();
        provider(upstream).stream(REQUEST, CONTEXT, sink);
        assertEquals(List.of(new StreamEvent.Delta("Hel"), new StreamEvent.Delta("lo")), sink.heard.subList(0, 2));
        assertEquals("Hello", sink.completed().content());
    }

    @Test
    void aStreamWithoutALastEventEndsWellAtTheEndOfTheBodyOnceTheAnswerIsWhole() throws IOException {
        URI upstream = serveEvents(event("text", "Hello") + event("finish", "{}"));
        var sink = new Recording();
        provider(upstream).stream(REQUEST, CONTEXT, sink);
        assertEquals(List.of(new StreamEvent.Delta("Hello")), sink.heard.subList(0, 1), "never opened: no start event");
        assertEquals("Hello", sink.completed().content());
    }

    @Test
    void aBodyThatEndsBeforeTheAnswerIsWholeIsATransientFailureAfterTheDeltasSoFar() throws IOException {
        URI upstream = serveEvents(event("text", "Hel"));
        var sink = new Recording();
        assertEquals(new ProviderFailed(PLAIN, OptionalInt.empty(), "ended early after 1 events", true),
                failureOf(() -> provider(upstream).stream(REQUEST, CONTEXT, sink)));
        assertEquals(List.of(new StreamEvent.Delta("Hel")), sink.heard);
    }

    @Test
    void aSilenceAfterAWholeAnswerEndsTheStreamWell() throws IOException {
        URI upstream = serve(200, "text/event-stream", event("text", "Hello") + event("finish", "{}"), true);
        var sink = new Recording();
        provider(settings(true, Optional.of(new ApiKey(KEY)), upstream, Duration.ofMillis(300), 1024), false)
                .stream(REQUEST, CONTEXT, sink);
        assertEquals("Hello", sink.completed().content());
    }

    @Test
    void aSilenceBeforeTheAnswerIsWholeTimesOut() throws IOException {
        URI upstream = serve(200, "text/event-stream", event("text", "Hel"), true);
        Duration timeout = Duration.ofMillis(300);
        var sink = new Recording();
        assertEquals(new ProviderTimedOut(PLAIN, timeout), failureOf(() -> provider(settings(true,
                Optional.of(new ApiKey(KEY)), upstream, timeout, 1024), false).stream(REQUEST, CONTEXT, sink)));
        assertEquals(List.of(new StreamEvent.Delta("Hel")), sink.heard);
    }

    @Test
    void aStreamRefusedWithAnErrorStatusIsTheErrorMappersFailure() throws IOException {
        URI upstream = serveJson(503, "{\"error\":{\"message\":\"down\"}}");
        var sink = new Recording();
        assertEquals(new ProviderFailed(PLAIN, OptionalInt.of(503), "down", true),
                failureOf(() -> provider(upstream).stream(REQUEST, CONTEXT, sink)));
        assertTrue(sink.heard.isEmpty());
    }

    @Test
    void anErrorAnswerWhoseBodyCannotBeReadFailsAsTheReadFailedUnlessTheMapperClassifiesByStatusAlone()
            throws IOException {
        URI upstream = serveJson(503, "{\"error\":{\"message\":\"" + "x".repeat(200) + "\"}}");
        var tooLarge = assertInstanceOf(ProviderFailed.class, failureOf(() -> provider(settings(true,
                Optional.of(new ApiKey(KEY)), upstream, TIMEOUT, 64), false).stream(REQUEST, CONTEXT, event -> { })));
        assertTrue(tooLarge.providerMessage().contains("larger than 64 bytes"), tooLarge::providerMessage);
        assertEquals(new ProviderFailed(PLAIN, OptionalInt.of(503), "unreadable HTTP 503", true),
                failureOf(() -> provider(settings(true, Optional.of(new ApiKey(KEY)), upstream, TIMEOUT, 64), true)
                        .stream(REQUEST, CONTEXT, event -> { })));
    }

    @Test
    void anErrorEventIsTheErrorMappersStreamFailure() throws IOException {
        URI upstream = serveEvents(event("start", "{}") + event("error", "{\"message\":\"overloaded\"}"));
        var sink = new Recording();
        assertEquals(new ProviderFailed(PLAIN, OptionalInt.empty(), "overloaded", true),
                failureOf(() -> provider(upstream).stream(REQUEST, CONTEXT, sink)));
        assertEquals(List.of("opened"), sink.heard);
    }

    @Test
    void anEventOfTheWrongShapeIsAPermanentMalformedResponse() throws IOException {
        URI upstream = serveEvents(event("text", "Hi") + event("surprise", "{}"));
        assertEquals(new ProviderFailed(PLAIN, OptionalInt.of(200), "malformed response: event 2 is surprise", false),
                failureOf(() -> provider(upstream).stream(REQUEST, CONTEXT, event -> { })));
    }

    @Test
    void anAnswerThatCannotBeFinishedIsAMalformedResponse() throws IOException {
        URI upstream = serveEvents(event("text", "Hi") + event("end", "unfinishable"));
        assertEquals(new ProviderFailed(PLAIN, OptionalInt.of(200), "malformed response: no answer to finish", false),
                failureOf(() -> provider(upstream).stream(REQUEST, CONTEXT, event -> { })));
    }

    @Test
    void aSinkThatThrowsEndsTheStreamWithItsOwnException() throws IOException {
        URI upstream = serveEvents(event("text", "Hel") + event("text", "lo") + event("end", "{}"));
        var gone = new IllegalStateException("the caller left");
        List<StreamEvent> heard = new ArrayList<>();
        assertSame(gone, assertThrows(IllegalStateException.class,
                () -> provider(upstream).stream(REQUEST, CONTEXT, event -> {
                    heard.add(event);
                    throw gone;
                })));
        assertEquals(List.of(new StreamEvent.Delta("Hel")), heard);
    }

    @Test
    void anInterruptedCallerGetsCancellationAfterTheEventItWasReading() throws IOException {
        URI upstream = serveEvents(event("text", "Hel") + event("text", "lo") + event("end", "{}"));
        List<StreamEvent> heard = new ArrayList<>();
        try {
            assertThrows(CancellationException.class, () -> provider(upstream).stream(REQUEST, CONTEXT, event -> {
                heard.add(event);
                Thread.currentThread().interrupt();
            }));
        } finally {
            Thread.interrupted();
        }
        assertEquals(List.of(new StreamEvent.Delta("Hel")), heard);
    }

    // ---- Completion --------------------------------------------------------------------------

    @Test
    void aCompletionNeedsEveryPart() {
        assertThrows(NullPointerException.class, () -> new Completion(null, "", "", FinishReason.STOP, Usage.ZERO));
        assertEquals(List.of(), new Completion("", "", "", FinishReason.STOP, Usage.ZERO).toolCalls());
    }
}
