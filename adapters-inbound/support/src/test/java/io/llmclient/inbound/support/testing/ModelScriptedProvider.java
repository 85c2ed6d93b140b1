package io.llmclient.inbound.support.testing;

import io.llmclient.application.provider.Availability;
import io.llmclient.application.provider.CallContext;
import io.llmclient.application.provider.LlmProvider;
import io.llmclient.application.provider.LlmProviderFactory;
import io.llmclient.application.provider.ProviderSettings;
import io.llmclient.application.provider.StreamSink;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Role;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.domain.testing.ChatResponses;
import io.llmclient.domain.tools.ToolCall;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Stands in for an upstream provider behind the provider port. What it does depends on the
 * catalog model it is called for, so one test server covers every outcome.
 */
public final class ModelScriptedProvider implements LlmProvider {
    /**
     * When set, the plain models' deltas are handed on with the "more at hand" hint and one flush
     * at the end, as an HTTP provider hands on a burst read at once (decision 38).
     */
    public volatile boolean burst;

    public static final ProviderId FAKE = new ProviderId("fake");
    public static final ProviderId DOWN = new ProviderId("down");
    /** A made-up key that a buggy provider puts in its exception; it must never reach a response. */
    public static final String SECRET = "sk-" + "test-canary-scripted-0123456789XYZ9";
    /** The thought signature {@code signed-tool-model} puts on its first call: opaque, with characters JSON escapes. */
    public static final String SIGNATURE = "CuAC+/test=\"sig\"\\é";

    public static final Duration DRIP_GAP = Duration.ofMillis(20);
    public static final int DRIP_COUNT = 500;
    public static final int FLOOD_DELTA_CHARS = 64 * 1024;
    public static final int FLOOD_COUNT = 100_000;

    private final ProviderId id;
    public final Counted drip = new Counted();
    public final Counted flood = new Counted();
    /** Opened by the test once its client has read the first chunk of {@code ttft-model}. */
    public final CountDownLatch firstSeen = new CountDownLatch(1);
    /** Whether {@link #firstSeen} was open before the second token was produced. */
    public final AtomicReference<Boolean> firstSeenBeforeSecond = new AtomicReference<>();
    /** Opened by the test once its client has read the first bytes of an {@code opening-model} stream. */
    public final CountDownLatch openingSeen = new CountDownLatch(1);
    /** Whether {@link #openingSeen} was open before {@code opening-model} produced its first token. */
    public final AtomicReference<Boolean> openingSeenBeforeFirstToken = new AtomicReference<>();
    /** Opened by the test to let {@code hold-model} produce its first token (or after 10 s). */
    public final CountDownLatch released = new CountDownLatch(1);
    /** {@code hold-model}'s deltas: five of them, once {@link #released} is open. */
    public final Counted held = new Counted();
    private final boolean available;
    public final AtomicReference<CallContext> lastCall = new AtomicReference<>();
    public final AtomicReference<ChatRequest> lastRequest = new AtomicReference<>();

    public ModelScriptedProvider(ProviderId id, boolean available) {
        this.id = id;
        this.available = available;
    }

    public static LlmProviderFactory factory(ModelScriptedProvider provider) {
        return new LlmProviderFactory() {
            @Override
            public ProviderId id() {
                return provider.id;
            }

            @Override
            public LlmProvider create(ProviderSettings settings) {
                return provider;
            }
        };
    }

    @Override
    public ProviderId id() {
        return id;
    }

    @Override
    public Availability availability() {
        return available ? Availability.up() : Availability.down("no API key");
    }

    @Override
    public ChatResponse complete(ChatRequest request, CallContext context) {
        lastCall.set(context);
        lastRequest.set(request);
        return switch (context.model().id()) {
            case "fail-model" -> throw new LlmFailureException(
                    new LlmFailure.ProviderFailed(id, OptionalInt.of(502), "upstream exploded"));
            case "refused-model" -> throw new LlmFailureException(
                    new LlmFailure.ProviderFailed(id, OptionalInt.empty(), "connection refused"));
            case "slow-model" -> throw new LlmFailureException(
                    new LlmFailure.ProviderTimedOut(id, Duration.ofSeconds(60)));
            case "limited-model" -> throw new LlmFailureException(
                    new LlmFailure.RateLimited(id, Optional.of(Duration.ofSeconds(30))));
            case "limited-unknown-model" -> throw new LlmFailureException(
                    new LlmFailure.RateLimited(id, Optional.empty()));
            case "busy-model" -> throw new LlmFailureException(new LlmFailure.Overloaded(id, 100));
            case "full-buffer-model" -> throw new LlmFailureException(
                    new LlmFailure.Overloaded(id, new LlmFailure.Overloaded.ResponseBuffer(8192)));
            case "buggy-model" -> throw new IllegalStateException("request failed with key " + SECRET);
            case "tool-model", "signed-tool-model" -> toolAnswer(request, context);
            default -> answer(context, "fake-1").content("Hello back").build();
        };
    }

    @Override
    public void stream(ChatRequest request, CallContext context, StreamSink sink) {
        switch (context.model().id()) {
            case "stall-model" -> {
                // Sends one delta, then nothing until its idle timeout: what an adapter reports then.
                sink.accept(new StreamEvent.Delta("Hel"));
                throw new LlmFailureException(new LlmFailure.ProviderTimedOut(id, Duration.ofSeconds(60)));
            }
            case "midfail-model" -> {
                sink.accept(new StreamEvent.Delta("Hel"));
                throw new LlmFailureException(new LlmFailure.ProviderFailed(id, OptionalInt.of(502), "upstream broke"));
            }
            case "midbug-model" -> {
                sink.accept(new StreamEvent.Delta("Hel"));
                throw new IllegalStateException("bug with key " + SECRET);
            }
            case "drip-model" -> drip.run(sink, () -> paced(DRIP_GAP), new StreamEvent.Delta("drip "), DRIP_COUNT,
                    response(context, "drip"));
            case "flood-model" -> flood.run(sink, () -> { }, new StreamEvent.Delta("x".repeat(FLOOD_DELTA_CHARS)),
                    FLOOD_COUNT, response(context, "flood"));
            case "ttft-model" -> ttft(sink, context);
            case "hold-model" -> {
                awaitQuietly(released);
                held.run(sink, () -> paced(DRIP_GAP), new StreamEvent.Delta("held "), 5, response(context, "held"));
            }
            case "latefail-model" -> {
                // Nothing for 300 ms, then a failure before the first token.
                paced(Duration.ofMillis(300));
                throw new LlmFailureException(new LlmFailure.ProviderFailed(id, OptionalInt.of(502), "upstream broke"));
            }
            case "opening-model" -> opening(sink, context);
            case "openfail-model" -> {
                // Accepted by the upstream, then broken before its first token.
                sink.opened();
                throw new LlmFailureException(new LlmFailure.ProviderFailed(id, OptionalInt.of(502), "upstream broke"));
            }
            case "tool-model", "signed-tool-model" -> {
                ChatResponse response = toolAnswer(request, context);
                for (int i = 0; i < response.toolCalls().size(); i++) {
                    ToolCall call = response.toolCalls().get(i);
                    sink.accept(new StreamEvent.ToolCallDelta(i, Optional.of(call.id()), Optional.of(call.name()), "",
                            call.thoughtSignature()));
                    int half = call.arguments().length() / 2;
                    sink.accept(StreamEvent.ToolCallDelta.arguments(i, call.arguments().substring(0, half)));
                    sink.accept(StreamEvent.ToolCallDelta.arguments(i, call.arguments().substring(half)));
                }
                if (response.toolCalls().isEmpty()) {
                    sink.accept(new StreamEvent.Delta(response.content()));
                }
                sink.accept(new StreamEvent.Completed(response));
            }
            default -> {
                ChatResponse response = complete(request, context);
                for (String piece : response.content().split("(?<= )")) {
                    if (burst) {
                        // As an HTTP provider hands on events that came in one read: held, then one flush.
                        sink.accept(new StreamEvent.Delta(piece), true);
                    } else {
                        sink.accept(new StreamEvent.Delta(piece));
                    }
                }
                if (burst) {
                    sink.flush();
                }
                sink.accept(new StreamEvent.Completed(response));
            }
        }
    }

    /**
     * {@code tool-model}: one call per declared tool ({@code call_1}, {@code call_2}, ... with
     * arguments naming Paris), or, once the conversation ends on tool results, a text answer.
     * {@code signed-tool-model} answers the same, its first call signed {@link #SIGNATURE} (as
     * Gemini signs only the first of parallel calls).
     */
    private ChatResponse toolAnswer(ChatRequest request, CallContext context) {
        if (request.messages().getLast().role() == Role.TOOL || request.tools().isEmpty()) {
            return answer(context, "fake-t").content("It is 21C in Paris").usage(20, 6).build();
        }
        var calls = new ArrayList<ToolCall>();
        for (int i = 0; i < request.tools().size(); i++) {
            calls.add(new ToolCall("call_" + (i + 1), request.tools().get(i).name(), "{\"city\":\"Paris\"}"));
        }
        if (context.model().id().equals("signed-tool-model")) {
            calls.set(0, calls.getFirst().withThoughtSignature(SIGNATURE));
        }
        return answer(context, "fake-t").content("").toolCalls(calls).finishReason(FinishReason.TOOL_CALLS)
                .usage(20, 10).build();
    }

    /** First token after 200 ms; the second only once the test has seen the first (or after 10 s). */
    private void ttft(StreamSink sink, CallContext context) {
        paced(Duration.ofMillis(200));
        sink.accept(new StreamEvent.Delta("first"));
        try {
            firstSeenBeforeSecond.set(firstSeen.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        sink.accept(new StreamEvent.Delta(" second"));
        sink.accept(new StreamEvent.Completed(response(context, "first second")));
    }

    /**
     * Says the stream was accepted, then produces its first token only once the test has read
     * the first bytes (or after 10 s) when the consumer passed the opening on; at once otherwise.
     */
    private void opening(StreamSink sink, CallContext context) {
        if (sink.opened()) {
            try {
                openingSeenBeforeFirstToken.set(openingSeen.await(10, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        sink.accept(new StreamEvent.Delta("Hi"));
        sink.accept(new StreamEvent.Completed(response(context, "Hi")));
    }

    private ChatResponse response(CallContext context, String content) {
        return answer(context, "fake-s").content(content).build();
    }

    /** An answer of this provider for {@code context}'s model: usage 9+3, stop, zero latency. */
    private ChatResponses.Builder answer(CallContext context, String responseId) {
        return ChatResponses.builder().id(responseId).model(context.model()).provider(id).usage(9, 3)
                .traceId(context.a2a().traceId());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void paced(Duration gap) {
        try {
            Thread.sleep(gap);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * A long stream that counts how its calls end: started, finished (by any way out), stopped
     * because the sink threw (the caller went away), or run to its end.
     */
    public static final class Counted {
        public final AtomicInteger started = new AtomicInteger();
        public final AtomicInteger finished = new AtomicInteger();
        public final AtomicInteger sinkThrew = new AtomicInteger();
        /** Deltas the sink took before it threw (or all of them). */
        public final AtomicInteger accepted = new AtomicInteger();
        public final AtomicInteger ranToEnd = new AtomicInteger();

        public void run(StreamSink sink, Runnable pace, StreamEvent.Delta delta, int count, ChatResponse done) {
            started.incrementAndGet();
            try {
                for (int i = 0; i < count; i++) {
                    try {
                        sink.accept(delta);
                        accepted.incrementAndGet();
                    } catch (RuntimeException gone) {
                        sinkThrew.incrementAndGet();
                        throw gone;
                    }
                    pace.run();
                }
                ranToEnd.incrementAndGet();
                sink.accept(new StreamEvent.Completed(done));
            } finally {
                finished.incrementAndGet();
            }
        }
    }
}
