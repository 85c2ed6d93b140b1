package io.llmclient.provider.simulator;

import io.llmclient.application.provider.Availability;
import io.llmclient.application.provider.CallContext;
import io.llmclient.application.provider.LlmProvider;
import io.llmclient.application.provider.StreamSink;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.Message;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.failure.LlmFailure.ProviderUnavailable;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.stream.StreamEvent;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CancellationException;

/**
 * The offline provider: deterministic text derived from the prompt, real usage counts by
 * {@link SimulatorTokenizer}'s rule, {@code max_tokens} honoured with finish reason
 * {@code length}, and configurable pacing so streams look like streams.
 */
final class SimulatorProvider implements LlmProvider {
    // Each message costs one token for its role on top of its content, like a chat template's framing.
    private static final int ROLE_TOKENS_PER_MESSAGE = 1;

    private final boolean enabled;
    private final Pacing pacing;
    private final Sleeper sleeper;

    SimulatorProvider(boolean enabled, Pacing pacing, Sleeper sleeper) {
        this.enabled = enabled;
        this.pacing = pacing;
        this.sleeper = sleeper;
    }

    @Override
    public ProviderId id() {
        return ProviderId.SIMULATOR;
    }

    @Override
    public Availability availability() {
        return enabled ? Availability.up()
                : Availability.down("simulator is off (LLM_SIMULATOR_ENABLED=false, or a provider key is set)");
    }

    @Override
    public ChatResponse complete(ChatRequest request, CallContext context) {
        Reply reply = reply(request, context);
        long start = System.nanoTime();
        pause(pacing.timeToFirstToken());
        for (int i = 1; i < reply.pieces().size(); i++) {
            pause(pacing.interToken());
        }
        return reply.response(context, Duration.ofNanos(System.nanoTime() - start));
    }

    @Override
    public void stream(ChatRequest request, CallContext context, StreamSink sink) {
        Reply reply = reply(request, context);
        long start = System.nanoTime();
        pause(pacing.timeToFirstToken());
        List<String> pieces = reply.pieces();
        for (int i = 0; i < pieces.size(); i++) {
            if (i > 0) {
                pause(pacing.interToken());
            }
            sink.accept(new StreamEvent.Delta(pieces.get(i)));
        }
        sink.accept(new StreamEvent.Completed(reply.response(context, Duration.ofNanos(System.nanoTime() - start))));
    }

    private Reply reply(ChatRequest request, CallContext context) {
        if (!enabled) {
            throw new LlmFailureException(ProviderUnavailable.forModel(context.model().id(), id(),
                    availability().reason()));
        }
        List<String> pieces = SimulatorTokenizer.pieces(SimulatedText.reply(request, context.model().id()));
        int limit = request.maxTokens().orElse(Integer.MAX_VALUE);
        boolean truncated = pieces.size() > limit;
        List<String> sent = truncated ? pieces.subList(0, limit) : pieces;
        return new Reply(List.copyOf(sent), truncated ? FinishReason.LENGTH : FinishReason.STOP,
                new Usage(promptTokens(request.messages()), sent.size()));
    }

    private void pause(Duration duration) {
        if (duration.isZero()) {
            return;
        }
        try {
            sleeper.sleep(duration);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            // The caller went away (a cancelled stream interrupts its thread): stop generating.
            throw new CancellationException("simulated generation cancelled");
        }
    }

    private record Reply(List<String> pieces, FinishReason finishReason, Usage usage) {
        ChatResponse response(CallContext context, Duration latency) {
            return new ChatResponse("simcmpl-" + UUID.randomUUID(), context.model().id(),
                    context.model().providerModel(), ProviderId.SIMULATOR, String.join("", pieces), finishReason,
                    usage, context.a2a().traceId(), latency);
        }
    }

    /** Prompt tokens: each message's content tokens plus one for its role. */
    static int promptTokens(List<Message> messages) {
        return messages.stream()
                .mapToInt(message -> ROLE_TOKENS_PER_MESSAGE + SimulatorTokenizer.count(message.content()))
                .sum();
    }
}
