package io.llmclient.domain.chat;

import io.llmclient.domain.tools.ResponseFormat;
import io.llmclient.domain.tools.ToolChoice;
import io.llmclient.domain.tools.ToolDefinition;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * A validated chat request: what to say, how, and which model the caller asked for (a model,
 * a tier, a complexity, or none for the default). Built by {@code validation.ChatRequestParser}, which reports every broken field.
 *
 * <p>{@code tools} are the functions the model may call (empty: none); {@code toolChoice} and
 * {@code responseFormat} are empty when the caller did not say, so that an adapter sends the
 * provider nothing it was not asked for. See docs/tool-calling.md.
 *
 * <p>{@code stop} holds the caller's stop sequences (empty: none), at most
 * {@value #MAX_STOP_SEQUENCES}: the tightest limit among the providers (OpenAI's), so a request
 * valid here is valid on every model selection may route it to (decision 33).
 *
 * <p>{@code forwarded} are headers the caller asked to reach one provider's upstream unchanged
 * (such as {@code anthropic-beta} on the Anthropic surface); other providers never see them.
 */
public record ChatRequest(
        Optional<String> model,
        List<Message> messages,
        OptionalDouble temperature,
        OptionalInt maxTokens,
        boolean stream,
        Optional<ModelTier> tier,
        Optional<Complexity> complexity,
        A2aContext context,
        List<ToolDefinition> tools,
        Optional<ToolChoice> toolChoice,
        Optional<ResponseFormat> responseFormat,
        List<String> stop,
        ForwardedHeaders forwarded) {

    /** The most stop sequences a request may carry. */
    public static final int MAX_STOP_SEQUENCES = 4;

    public ChatRequest {
        Objects.requireNonNull(model, "model");
        messages = List.copyOf(messages);
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("messages must not be empty");
        }
        Objects.requireNonNull(temperature, "temperature");
        Objects.requireNonNull(maxTokens, "maxTokens");
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(complexity, "complexity");
        Objects.requireNonNull(context, "context");
        tools = List.copyOf(tools);
        Objects.requireNonNull(toolChoice, "toolChoice");
        Objects.requireNonNull(responseFormat, "responseFormat");
        stop = List.copyOf(stop);
        if (stop.size() > MAX_STOP_SEQUENCES) {
            throw new IllegalArgumentException("at most " + MAX_STOP_SEQUENCES + " stop sequences");
        }
        if (stop.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("a stop sequence is never empty");
        }
        Objects.requireNonNull(forwarded, "forwarded");
        var names = new HashSet<String>();
        for (ToolDefinition tool : tools) {
            if (!names.add(tool.name())) {
                throw new IllegalArgumentException("tool names must be unique: " + tool.name());
            }
        }
        if (toolChoice.orElse(ToolChoice.AUTO) instanceof ToolChoice.Named(String name) && !names.contains(name)) {
            throw new IllegalArgumentException("tool choice names an undeclared tool: " + name);
        }
        if (toolChoice.orElse(ToolChoice.AUTO) instanceof ToolChoice.Required && tools.isEmpty()) {
            throw new IllegalArgumentException("tool choice required needs tools");
        }
    }

    /** A request without stop sequences or forwarded headers, as every request was before them. */
    public ChatRequest(Optional<String> model, List<Message> messages, OptionalDouble temperature,
                       OptionalInt maxTokens, boolean stream, Optional<ModelTier> tier,
                       Optional<Complexity> complexity, A2aContext context, List<ToolDefinition> tools,
                       Optional<ToolChoice> toolChoice, Optional<ResponseFormat> responseFormat) {
        this(model, messages, temperature, maxTokens, stream, tier, complexity, context, tools, toolChoice,
                responseFormat, List.of(), ForwardedHeaders.NONE);
    }

    /** A request without tools or a response format, as every request was before tool calling. */
    public ChatRequest(Optional<String> model, List<Message> messages, OptionalDouble temperature,
                       OptionalInt maxTokens, boolean stream, Optional<ModelTier> tier,
                       Optional<Complexity> complexity, A2aContext context) {
        this(model, messages, temperature, maxTokens, stream, tier, complexity, context, List.of(),
                Optional.empty(), Optional.empty());
    }

    /** A plain request for one model with default sampling, mostly for tests and tools. */
    public static ChatRequest of(String model, List<Message> messages, A2aContext context) {
        return new ChatRequest(Optional.of(model), messages, OptionalDouble.empty(), OptionalInt.empty(),
                false, Optional.empty(), Optional.empty(), context);
    }

    /**
     * The tool choice in force: the caller's, else {@code auto} when tools are declared and
     * {@code none} when not (OpenAI's defaults).
     */
    public ToolChoice effectiveToolChoice() {
        return toolChoice.orElse(tools.isEmpty() ? ToolChoice.NONE : ToolChoice.AUTO);
    }

    /** The response format in force: the caller's, else free text. */
    public ResponseFormat effectiveResponseFormat() {
        return responseFormat.orElse(ResponseFormat.TEXT);
    }

    /** The same request with other messages: a follow-up turn of the same conversation. */
    public ChatRequest withConversation(List<Message> nextMessages) {
        return new ChatRequest(model, nextMessages, temperature, maxTokens, stream, tier, complexity, context, tools,
                toolChoice, responseFormat, stop, forwarded);
    }

    /** The same request under another context (such as the source agent its key speaks for). */
    public ChatRequest withContext(A2aContext nextContext) {
        return new ChatRequest(model, messages, temperature, maxTokens, stream, tier, complexity, nextContext, tools,
                toolChoice, responseFormat, stop, forwarded);
    }

    /** The same request with headers to forward to one provider's upstream. */
    public ChatRequest withForwarded(ForwardedHeaders nextForwarded) {
        return new ChatRequest(model, messages, temperature, maxTokens, stream, tier, complexity, context, tools,
                toolChoice, responseFormat, stop, nextForwarded);
    }
}
