package io.llmclient.application.provider;

import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.ProviderId;
import java.util.OptionalInt;

/**
 * A provider as the application sees it. Blocking; each call runs on its own virtual thread.
 *
 * <h2>Error contract</h2>
 * A call either returns, or throws {@link io.llmclient.domain.failure.LlmFailureException}
 * carrying exactly one of:
 * <ul>
 *   <li>{@code ProviderFailed} — the upstream answered with an error status (give the HTTP
 *       status and the provider's own message, never the request's key) or the connection
 *       failed (no status);</li>
 *   <li>{@code ProviderTimedOut} — no answer within the request timeout (for a stream: no
 *       chunk within it);</li>
 *   <li>{@code RateLimited} — HTTP 429 or the provider's quota status, with the wait hint
 *       from {@code retry-after} / {@code retry-after-ms} headers or the provider's retry
 *       info when given;</li>
 *   <li>{@code ProviderUnavailable} — the provider cannot be called at all (no key).</li>
 * </ul>
 * A request may use what the provider cannot do (tools, a JSON response format): the provider
 * then throws {@code InvalidParams} naming the field (such as {@code response_format}), never
 * drops it silently (docs/tool-calling.md).
 * Retries, rate-limit queues and circuit breaking belong to the application, not here:
 * classify the failure and throw. Any other exception is treated as a bug (-32603).
 *
 * <h2>A minimal implementation</h2>
 * <pre>{@code
 * final class EchoProvider implements LlmProvider {
 *     public ProviderId id() { return new ProviderId("echo"); }
 *     public Availability availability() { return Availability.up(); }
 *     public ChatResponse complete(ChatRequest request, CallContext context) {
 *         String text = request.messages().getLast().content();
 *         return new ChatResponse("echo-1", context.model().id(), context.model().providerModel(), id(),
 *                 text, FinishReason.STOP, new Usage(1, 1), context.a2a().traceId(), Duration.ZERO);
 *     }
 *     public void stream(ChatRequest request, CallContext context, StreamSink sink) {
 *         ChatResponse response = complete(request, context);
 *         sink.accept(new StreamEvent.Delta(response.content()));
 *         sink.accept(new StreamEvent.Completed(response));
 *     }
 * }
 * }</pre>
 * Register it through a {@link LlmProviderFactory} listed in
 * {@code META-INF/services/io.llmclient.application.provider.LlmProviderFactory}.
 */
public interface LlmProvider {

    ProviderId id();

    /** Whether requests can be sent now; false without a key. Must be cheap: no network call. */
    Availability availability();

    /** Sends one request and waits for the whole answer. */
    ChatResponse complete(ChatRequest request, CallContext context);

    /**
     * Pushes events to the sink as they arrive: deltas ({@code Delta} for text,
     * {@code ToolCallDelta} for tool-call fragments, see their Javadoc), then exactly one
     * {@code Completed}, whose tool calls are the fragments reassembled.
     * Returns when the stream ends. A failure before the first event is thrown as for
     * {@link #complete}; a failure after it may be thrown too: the application turns it into
     * the stream's end.
     */
    void stream(ChatRequest request, CallContext context, StreamSink sink);

    /**
     * The input tokens {@code request} would count as on this provider, by the provider's own count
     * (Anthropic's {@code count_tokens}); empty for a provider that has no way to count, whose callers
     * then use the gateway's estimate ({@link io.llmclient.domain.chat.TokenEstimate}). Failures as
     * for {@link #complete}.
     */
    default OptionalInt countTokens(ChatRequest request, CallContext context) {
        return OptionalInt.empty();
    }
}
