package io.llmclient.provider.echo;

import io.llmclient.application.provider.Availability;
import io.llmclient.application.provider.CallContext;
import io.llmclient.application.provider.LlmProvider;
import io.llmclient.application.provider.ProviderSettings;
import io.llmclient.application.provider.StreamSink;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.Message;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.failure.FieldError;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.domain.tools.ResponseFormat;
import io.llmclient.domain.tools.ToolChoice;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Answers with the last message, word by word: a provider with no upstream, so that the example
 * shows the port and its rules (availability, usage, finish reasons, streaming, A2A context)
 * without an HTTP client. A word is a token; {@code max_tokens} cuts the echo short.
 */
final class EchoProvider implements LlmProvider {
    private final ProviderSettings settings;

    EchoProvider(ProviderSettings settings) {
        this.settings = settings;
    }

    @Override
    public ProviderId id() {
        return EchoProviderFactory.ID;
    }

    // Cheap and offline, as the port asks: llm.models and /health call it on every request.
    @Override
    public Availability availability() {
        if (!settings.enabled()) {
            return Availability.down("switched off by configuration");
        }
        return settings.apiKey().isPresent() ? Availability.up() : Availability.down("no API key (ECHO_API_KEY)");
    }

    @Override
    public ChatResponse complete(ChatRequest request, CallContext context) {
        refuseWhatEchoCannotDo(request);
        List<String> words = words(request.messages().getLast().content());
        int limit = request.maxTokens().orElse(Integer.MAX_VALUE);
        List<String> sent = words.subList(0, Math.min(limit, words.size()));
        FinishReason finish = sent.size() < words.size() ? FinishReason.LENGTH : FinishReason.STOP;
        int promptTokens = request.messages().stream().map(Message::content).mapToInt(c -> words(c).size()).sum();
        // The service measures latency itself and overwrites it; the catalog id goes in `model`,
        // the upstream's name in `providerModel`.
        return new ChatResponse("echo-" + UUID.randomUUID(), context.model().id(), context.model().providerModel(),
                id(), String.join(" ", sent), finish, new Usage(promptTokens, sent.size()),
                context.a2a().traceId(), Duration.ZERO);
    }

    @Override
    public void stream(ChatRequest request, CallContext context, StreamSink sink) {
        ChatResponse whole = complete(request, context);
        List<String> words = words(whole.content());
        for (int i = 0; i < words.size(); i++) {
            // The sink throws when the caller has gone away; letting it propagate stops the stream.
            sink.accept(new StreamEvent.Delta(i == 0 ? words.get(i) : " " + words.get(i)));
        }
        sink.accept(new StreamEvent.Completed(whole));
    }

    // A provider that lacks a capability refuses it by name (-32602 / HTTP 400), never drops it:
    // a caller who asked for a tool call or JSON would otherwise get plain text and not know why.
    private static void refuseWhatEchoCannotDo(ChatRequest request) {
        var errors = new ArrayList<FieldError>();
        if (!request.tools().isEmpty()) {
            errors.add(new FieldError("tools", "the echo provider calls no tools"));
        }
        if (request.toolChoice().filter(choice -> !(choice instanceof ToolChoice.None)).isPresent()) {
            errors.add(new FieldError("tool_choice", "the echo provider calls no tools"));
        }
        if (request.responseFormat().filter(format -> !(format instanceof ResponseFormat.Text)).isPresent()) {
            errors.add(new FieldError("response_format", "the echo provider answers plain text only"));
        }
        if (!errors.isEmpty()) {
            throw new LlmFailureException(new LlmFailure.InvalidParams(errors));
        }
    }

    private static List<String> words(String text) {
        return Arrays.stream(text.strip().split("\\s+")).filter(w -> !w.isEmpty()).toList();
    }
}
