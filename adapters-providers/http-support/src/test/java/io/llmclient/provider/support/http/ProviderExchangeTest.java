package io.llmclient.provider.support.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.helidon.webclient.http1.Http1Client;
import io.llmclient.application.provider.ResponseBudget;
import io.llmclient.application.provider.Transport;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.failure.LlmFailure.Overloaded;
import io.llmclient.domain.failure.LlmFailure.ProviderFailed;
import io.llmclient.domain.failure.LlmFailure.ProviderTimedOut;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.provider.support.sse.ServerSentEvent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProviderExchangeTest {
    private static final Duration CONNECT = Duration.ofSeconds(2);
    private static final Duration REQUEST = Duration.ofSeconds(5);
    private static final A2aContext A2A = new A2aContext("t-exchange", Optional.of("planner"), Optional.empty());

    private final WebClient client = WebClient.builder().connectTimeout(CONNECT).followRedirects(false).build();
    private final Http1Client http1 = client.client(Http1Client.PROTOCOL);
    private final Map<String, String> seen = new ConcurrentHashMap<>();
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private URI serve(int status, Map<String, String> headers, String body) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            seen.put("content-type", String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")));
            seen.put("trace", String.valueOf(exchange.getRequestHeaders().getFirst("X-Trace-Id")));
            seen.put("agent", String.valueOf(exchange.getRequestHeaders().getFirst("X-Source-Agent")));
            seen.put("session", String.valueOf(exchange.getRequestHeaders().getFirst("X-Session-Id")));
            seen.put("body", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            headers.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/call");
    }

    private ProviderExchange exchange(long maxResponseBytes) {
        return new ProviderExchange(ProviderId.OPENAI, client, CONNECT, REQUEST,
                new Transport(List.of(), false, maxResponseBytes), List.of("retry-after"));
    }

    /** An exchange whose answers share {@code budget}. */
    private ProviderExchange sharing(ResponseBudget budget) {
        return new ProviderExchange(ProviderId.OPENAI, client, CONNECT, REQUEST,
                new Transport(List.of(), false, 1024 * 1024, budget), List.of());
    }

    /** A reservation of a budget no test shares, for the tests about something else. */
    private static ResponseBudget.Reservation unshared() {
        return ResponseBudget.unlimited().open();
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A streaming upstream: each answer is a chunked body with one event then [DONE]; it ends the
     * body at once, or holds it open for {@code holdOpen} after [DONE]. Records each caller's port.
     */
    private URI serveStreams(Duration holdOpen, List<Integer> ports) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            ports.add(exchange.getRemoteAddress().getPort());
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            var out = exchange.getResponseBody();
            out.write("data: {\"n\":1}\n\ndata: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            try {
                Thread.sleep(holdOpen);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/stream");
    }

    private static void streamToDone(ProviderExchange http, Http1Client client, URI uri) {
        try (HttpClientResponse response = http.send(() -> client.post().uri(uri), A2A, json("{}"))) {
            var events = http.events(response, unshared());
            while (http.next(events).map(ServerSentEvent::data).filter("[DONE]"::equals).isEmpty()) {
                // up to the last event
            }
            http.finishStream(events);
        }
    }

    @Test
    void aStreamReadToItsEndAfterItsLastEventLeavesItsConnectionForTheNextCall() throws IOException {
        List<Integer> ports = new java.util.concurrent.CopyOnWriteArrayList<>();
        URI uri = serveStreams(Duration.ZERO, ports);
        ProviderExchange http = exchange(1024);
        streamToDone(http, http1, uri);
        streamToDone(http, http1, uri);
        assertEquals(2, ports.size());
        assertEquals(ports.get(0), ports.get(1), "the second stream did not reuse the first one's connection");
    }

    @Test
    void aBodyThatStaysOpenAfterItsLastEventIsGivenUpWithoutWaitingForIt() throws Exception {
        URI uri = serveStreams(Duration.ofSeconds(5), new java.util.concurrent.CopyOnWriteArrayList<>());
        ProviderExchange http = exchange(1024);
        var took = new java.util.concurrent.atomic.AtomicReference<Duration>();
        var interrupted = new java.util.concurrent.atomic.AtomicBoolean(true);
        // Provider calls run on virtual threads, whose socket reads an interrupt ends.
        Thread.ofVirtual().start(() -> {
            long start = System.nanoTime();
            streamToDone(http, http1, uri);
            took.set(Duration.ofNanos(System.nanoTime() - start));
            interrupted.set(Thread.currentThread().isInterrupted());
        }).join(Duration.ofSeconds(10));
        assertTrue(took.get().compareTo(Duration.ofSeconds(4)) < 0, "waited for the whole hold: " + took.get());
        assertFalse(interrupted.get(), "the drain's interrupt leaked");
    }

    @Test
    void theBodyIsPostedAsJsonWithTheA2aHeadersKnown() throws IOException {
        URI uri = serve(200, Map.of(), "{}");
        exchange(1024).exchange(() -> http1.post().uri(uri), A2A, json("{\"q\":1}"), unshared());
        assertEquals(Map.of("content-type", "application/json", "trace", "t-exchange", "agent", "planner",
                "session", "null", "body", "{\"q\":1}"), seen);
    }

    @Test
    void aWholeAnswerKeepsItsStatusBodyAndOnlyTheNamedHeaders() throws IOException {
        URI uri = serve(429, Map.of("Retry-After", "7", "X-Other", "dropped"), "{\"error\":{}}");
        HttpReply reply = exchange(1024).exchange(() -> http1.post().uri(uri), A2A, json("{}"), unshared());
        assertEquals(429, reply.status());
        assertEquals("{\"error\":{}}", new String(reply.body(), StandardCharsets.UTF_8));
        assertEquals(Map.of("retry-after", "7"), reply.headers());
    }

    @Test
    void anAnswerLargerThanTheLimitIsAPermanentProviderFailureWithItsStatus() throws IOException {
        URI uri = serve(200, Map.of(), "0123456789");
        var failure = assertThrows(LlmFailureException.class,
                () -> exchange(4).exchange(() -> http1.post().uri(uri), A2A, json("{}"), unshared()));
        assertEquals(new ProviderFailed(ProviderId.OPENAI, OptionalInt.of(200),
                "upstream answer larger than 4 bytes (LLM_MAX_RESPONSE_BYTES): cut off", false), failure.failure());
    }

    @Test
    void aRefusedConnectionIsATransientProviderFailureWithoutStatus() throws IOException {
        URI uri = serve(200, Map.of(), "{}");
        server.stop(0);
        server = null;
        var failure = assertThrows(LlmFailureException.class,
                () -> exchange(1024).send(() -> http1.post().uri(uri), A2A, json("{}")));
        var failed = (ProviderFailed) failure.failure();
        assertEquals(OptionalInt.empty(), failed.status());
        assertEquals(true, failed.transientFailure());
    }

    @Test
    void aStreamedAnswerIsReadEventByEventToItsEnd() throws IOException {
        URI uri = serve(200, Map.of("Content-Type", "text/event-stream"), "data: one\n\ndata: two\n\n");
        ProviderExchange exchange = exchange(1024);
        try (HttpClientResponse response = exchange.send(() -> http1.post().uri(uri), A2A, json("{}"))) {
            var events = exchange.events(response, unshared());
            assertEquals("one", exchange.next(events).map(ServerSentEvent::data).orElseThrow());
            assertEquals("two", exchange.next(events).map(ServerSentEvent::data).orElseThrow());
            assertEquals(Optional.empty(), exchange.next(events));
        }
    }

    @Test
    void aStreamLargerThanTheLimitIsCutOffAsAPermanentProviderFailure() throws IOException {
        URI uri = serve(200, Map.of("Content-Type", "text/event-stream"), "data: " + "x".repeat(100) + "\n\n");
        ProviderExchange exchange = exchange(16);
        try (HttpClientResponse response = exchange.send(() -> http1.post().uri(uri), A2A, json("{}"))) {
            var events = exchange.events(response, unshared());
            var failure = assertThrows(LlmFailureException.class, () -> exchange.next(events));
            assertEquals(false, ((ProviderFailed) failure.failure()).transientFailure());
        }
    }

    @Test
    void anExchangeStillRunningAtTheRequestTimeoutIsProviderTimedOut() throws Exception {
        var never = new CountDownLatch(1);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", held -> {
            try {
                never.await();
            } catch (InterruptedException stopped) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/call");
        var exchange = new ProviderExchange(ProviderId.OPENAI, client, CONNECT, Duration.ofMillis(50),
                new Transport(List.of(), false, 1024), List.of());
        var thrown = new java.util.concurrent.atomic.AtomicReference<Throwable>();
        // A virtual thread, as in the service: its socket has no read timeout, only the watchdog ends the wait.
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                exchange.exchange(() -> http1.post().uri(uri), A2A, json("{}"), unshared());
            } catch (RuntimeException failure) {
                thrown.set(failure);
            }
        });
        assertTrue(caller.join(Duration.ofSeconds(10)), "the exchange returned");
        never.countDown();
        var failure = assertInstanceOf(LlmFailureException.class, thrown.get());
        assertEquals(new ProviderTimedOut(ProviderId.OPENAI, Duration.ofMillis(50)), failure.failure());
    }

    @Test
    void anExchangeWhoseCallerIsInterruptedIsCancelledAndNotSentAgain() throws Exception {
        var requests = new java.util.concurrent.atomic.AtomicInteger();
        var waiting = new CountDownLatch(1);
        var never = new CountDownLatch(1);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/", held -> {
            held.getRequestBody().readAllBytes();
            if (requests.incrementAndGet() == 1) {
                // The first call answers, so that the second goes out on a kept connection, the
                // kind a failure would otherwise resend on a new one.
                held.sendResponseHeaders(200, 2);
                held.getResponseBody().write(json("{}"));
                held.close();
                return;
            }
            waiting.countDown();
            try {
                never.await();
            } catch (InterruptedException stopped) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/call");
        ProviderExchange http = exchange(1024);
        http.exchange(() -> http1.post().uri(uri), A2A, json("{}"), unshared());
        var thrown = new java.util.concurrent.atomic.AtomicReference<Throwable>();
        var stillInterrupted = new java.util.concurrent.atomic.AtomicBoolean();
        // Someone else (the caller's disconnect watch, decision 22) interrupts the waiting virtual thread.
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                http.exchange(() -> http1.post().uri(uri), A2A, json("{}"), unshared());
            } catch (RuntimeException failure) {
                thrown.set(failure);
            }
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        assertTrue(waiting.await(10, java.util.concurrent.TimeUnit.SECONDS));
        caller.interrupt();
        assertTrue(caller.join(Duration.ofSeconds(10)), "the exchange returned");
        assertInstanceOf(java.util.concurrent.CancellationException.class, thrown.get());
        assertTrue(stillInterrupted.get(), "the interrupt is kept for the caller");
        Thread.sleep(300);
        never.countDown();
        assertEquals(2, requests.get(), "a cancelled request is not sent again");
    }

    // ---- The budget all answers share (LLM_RESPONSE_BUFFER_BYTES) ---------------------------

    /** An upstream that answers 200 with {@code body} in chunks, without a Content-Length. */
    private URI serveChunked(String contentType, String body) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", contentType);
            exchange.sendResponseHeaders(200, 0);
            try (var out = exchange.getResponseBody()) {
                out.write(body.getBytes(StandardCharsets.UTF_8));
            }
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/call");
    }

    private static Overloaded.Limit limitOf(LlmFailureException thrown) {
        return assertInstanceOf(Overloaded.class, thrown.failure()).limit();
    }

    @Test
    void aWholeAnswerIsHeldInTheSharedBudgetUntilItsCallClosesTheReservation() throws IOException {
        URI uri = serve(200, Map.of(), "x".repeat(100));
        var budget = new ResponseBudget(1000);
        ProviderExchange http = sharing(budget);
        try (var held = http.reserve()) {
            http.exchange(() -> http1.post().uri(uri), A2A, json("{}"), held);
            assertEquals(900, budget.available(), "the body is held while the adapter maps it");
        }
        assertEquals(1000, budget.available());
    }

    @Test
    void aDeclaredBodyThatDoesNotFitIsRefusedWithOverloadedBeforeAnyOfItIsRead() throws IOException {
        URI uri = serve(200, Map.of(), "x".repeat(100));
        var budget = new ResponseBudget(99);
        ProviderExchange http = sharing(budget);
        try (var held = http.reserve()) {
            var thrown = assertThrows(LlmFailureException.class,
                    () -> http.exchange(() -> http1.post().uri(uri), A2A, json("{}"), held));
            assertEquals(new Overloaded(ProviderId.OPENAI, new Overloaded.ResponseBuffer(99)), thrown.failure());
            assertEquals(99, budget.available(), "nothing was taken");
        }
    }

    @Test
    void aChunkedBodyIsCountedAsItArrivesAndRefusedOnceItNoLongerFits() throws IOException {
        URI uri = serveChunked("application/json", "x".repeat(64 * 1024));
        var budget = new ResponseBudget(8 * 1024);
        ProviderExchange http = sharing(budget);
        try (var held = http.reserve()) {
            var thrown = assertThrows(LlmFailureException.class,
                    () -> http.exchange(() -> http1.post().uri(uri), A2A, json("{}"), held));
            assertEquals(new Overloaded.ResponseBuffer(8 * 1024), limitOf(thrown));
            assertTrue(held.held() <= 8 * 1024, "never more than the budget: " + held.held());
        }
        assertEquals(8 * 1024, budget.available());
    }

    @Test
    void ordinaryStreamEventsTakeNothingFromTheBudget() throws IOException {
        URI uri = serveChunked("text/event-stream", "data: {\"n\":1}\n\n".repeat(200));
        var budget = new ResponseBudget(1);
        ProviderExchange http = sharing(budget);
        try (var held = http.reserve();
             HttpClientResponse response = http.send(() -> http1.post().uri(uri), A2A, json("{}"))) {
            var events = http.events(response, held);
            int read = 0;
            while (http.next(events).isPresent()) {
                read++;
            }
            assertEquals(200, read);
            assertEquals(1, budget.available());
        }
    }

    @Test
    void anOutsizedStreamEventIsHeldUntilTheNextEventIsAskedFor() throws IOException {
        String big = "x".repeat(40 * 1024);
        URI uri = serveChunked("text/event-stream", "data: " + big + "\n\ndata: small\n\n");
        var budget = new ResponseBudget(1024 * 1024);
        ProviderExchange http = sharing(budget);
        try (var held = http.reserve();
             HttpClientResponse response = http.send(() -> http1.post().uri(uri), A2A, json("{}"))) {
            var events = http.events(response, held);
            assertEquals(big, http.next(events).map(ServerSentEvent::data).orElseThrow());
            assertTrue(budget.available() <= 1024 * 1024 - 40 * 1024, "held: " + budget);
            assertEquals("small", http.next(events).map(ServerSentEvent::data).orElseThrow());
            assertEquals(1024 * 1024, budget.available(), "given back once the next event was asked for");
        }
    }

    @Test
    void anOutsizedStreamEventThatDoesNotFitEndsTheStreamWithOverloaded() throws IOException {
        URI uri = serveChunked("text/event-stream", "data: " + "x".repeat(100 * 1024) + "\n\n");
        var budget = new ResponseBudget(32 * 1024);
        ProviderExchange http = sharing(budget);
        try (var held = http.reserve();
             HttpClientResponse response = http.send(() -> http1.post().uri(uri), A2A, json("{}"))) {
            var events = http.events(response, held);
            var thrown = assertThrows(LlmFailureException.class, () -> http.next(events));
            assertEquals(new Overloaded.ResponseBuffer(32 * 1024), limitOf(thrown));
        }
        assertEquals(32 * 1024, budget.available());
    }
}
