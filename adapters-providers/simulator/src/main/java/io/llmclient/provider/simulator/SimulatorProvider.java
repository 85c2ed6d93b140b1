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
import io.llmclient.domain.stream.ToolCallAssembler;
import io.llmclient.domain.tools.ToolCall;
import io.llmclient.domain.tools.ToolDefinition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;

/**
 * The offline provider: deterministic text derived from the prompt, real usage counts by
 * {@link SimulatorTokenizer}'s rule, {@code max_tokens} honoured with finish reason
 * {@code length}, and configurable pacing so streams look like streams. It calls tools and
 * answers in JSON by {@link SimulatedTools}' rules; a tool call streams as a first fragment
 * with its id and name, then its arguments cut by the same tokenizer.
 *
 * <p>An answer is a list of pieces, each one stream event with its token cost; complete and
 * stream send the same pieces, so they give the same answer and usage.
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
        List<Piece> pieces = reply.pieces();
        for (int i = 0; i < pieces.size(); i++) {
            if (i > 0) {
                pause(pacing.interToken());
            }
            sink.accept(pieces.get(i).event());
        }
        sink.accept(new StreamEvent.Completed(reply.response(context, Duration.ofNanos(System.nanoTime() - start))));
    }

    private Reply reply(ChatRequest request, CallContext context) {
        if (!enabled) {
            throw new LlmFailureException(ProviderUnavailable.forModel(context.model().id(), id(),
                    availability().reason()));
        }
        String model = context.model().id();
        long seed = SimulatedText.seed(request, model);
        List<ToolCall> calls = SimulatedTools.calls(request, seed);
        String text = calls.isEmpty() ? SimulatedTools.formatted(request, SimulatedText.reply(request, model)) : "";
        Optional<String> stopped = calls.isEmpty() ? firstStop(text, request.stop()) : Optional.empty();
        if (stopped.isPresent()) {
            // As a real model does: the answer ends just before the stop sequence, which is not sent.
            text = text.substring(0, text.indexOf(stopped.get()));
        }
        List<Piece> pieces = calls.isEmpty() ? text(text) : calls(calls);
        int limit = request.maxTokens().orElse(Integer.MAX_VALUE);
        var sent = new ArrayList<Piece>();
        int tokens = 0;
        for (Piece piece : pieces) {
            if (tokens + piece.tokens() > limit) {
                break;
            }
            sent.add(piece);
            tokens += piece.tokens();
        }
        boolean truncated = sent.size() < pieces.size();
        FinishReason finish = truncated ? FinishReason.LENGTH : calls.isEmpty() ? FinishReason.STOP
                : FinishReason.TOOL_CALLS;
        return new Reply(List.copyOf(sent), finish, new Usage(promptTokens(request), tokens),
                truncated ? Optional.empty() : stopped);
    }

    // The stop sequence that occurs first in the text, if any; the simulator says which, as Anthropic does.
    private static Optional<String> firstStop(String text, List<String> stop) {
        Optional<String> first = Optional.empty();
        int at = Integer.MAX_VALUE;
        for (String sequence : stop) {
            int index = text.indexOf(sequence);
            if (index >= 0 && index < at) {
                at = index;
                first = Optional.of(sequence);
            }
        }
        return first;
    }

    private static List<Piece> text(String text) {
        return SimulatorTokenizer.pieces(text).stream().map(piece -> new Piece(new StreamEvent.Delta(piece), 1))
                .toList();
    }

    // A call starts with its id and name (costing the name's tokens), then its arguments token by token.
    private static List<Piece> calls(List<ToolCall> calls) {
        var pieces = new ArrayList<Piece>();
        for (int index = 0; index < calls.size(); index++) {
            ToolCall call = calls.get(index);
            pieces.add(new Piece(StreamEvent.ToolCallDelta.start(index, call.id(), call.name(), ""),
                    Math.max(1, SimulatorTokenizer.count(call.name()))));
            for (String fragment : SimulatorTokenizer.pieces(call.arguments())) {
                pieces.add(new Piece(StreamEvent.ToolCallDelta.arguments(index, fragment), 1));
            }
        }
        return pieces;
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

    /** One stream event of the answer and the completion tokens it costs. */
    private record Piece(StreamEvent event, int tokens) {
    }

    private record Reply(List<Piece> pieces, FinishReason finishReason, Usage usage, Optional<String> stopSequence) {
        ChatResponse response(CallContext context, Duration latency) {
            var text = new StringBuilder();
            var calls = new ToolCallAssembler();
            for (Piece piece : pieces) {
                switch (piece.event()) {
                    case StreamEvent.Delta delta -> text.append(delta.text());
                    case StreamEvent.ToolCallDelta fragment -> calls.add(fragment);
                    case StreamEvent.Completed _, StreamEvent.Failed _ ->
                            throw new IllegalStateException("a piece is a delta");
                }
            }
            ChatResponse response = new ChatResponse("simcmpl-" + UUID.randomUUID(), context.model().id(),
                    context.model().providerModel(), ProviderId.SIMULATOR, text.toString(), calls.toolCalls(),
                    finishReason, usage, context.a2a().traceId(), latency);
            return stopSequence.map(response::withStopSequence).orElse(response);
        }
    }

    /**
     * Prompt tokens: each message's content tokens plus one for its role, plus its tool calls'
     * names and arguments; each declared tool adds its name, description and schema.
     */
    static int promptTokens(ChatRequest request) {
        int tokens = 0;
        for (Message message : request.messages()) {
            tokens += ROLE_TOKENS_PER_MESSAGE + SimulatorTokenizer.count(message.content());
            for (ToolCall call : message.toolCalls()) {
                tokens += SimulatorTokenizer.count(call.name()) + SimulatorTokenizer.count(call.arguments());
            }
        }
        for (ToolDefinition tool : request.tools()) {
            tokens += SimulatorTokenizer.count(tool.name()) + SimulatorTokenizer.count(tool.description().orElse(""))
                    + SimulatorTokenizer.count(SchemaValues.json(tool.parameters()));
        }
        return tokens;
    }
}
