package io.llmclient.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.domain.stream.ToolCallAssembler;
import io.llmclient.provider.support.sse.ServerSentEvent;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Folds a Messages stream, one event at a time, into text deltas, tool-call fragments and the
 * final answer.
 *
 * <ul>
 *   <li>{@code message_start} gives the id, the upstream model and the input counts;</li>
 *   <li>{@code content_block_delta} with a {@code text_delta} is text;</li>
 *   <li>{@code content_block_start} of a {@code tool_use} block starts a tool call: a fragment
 *       with its id and name and empty arguments. Its index is the call's position among the
 *       {@code tool_use} blocks (0, 1, ...), not the content-block index, since text blocks
 *       interleave;</li>
 *   <li>each {@code input_json_delta} of that block is one arguments fragment, its
 *       {@code partial_json} passed on exactly as cut (an empty one adds nothing and is not
 *       passed on). The fragments joined are the call's arguments: the model's JSON text as it
 *       streamed it. A call whose block stops without any arguments text gets {@code {}} (a
 *       function without parameters), so its arguments are always a JSON object;</li>
 *   <li>other deltas ({@code thinking_delta}, a server tool's input, ...) are not shown;</li>
 *   <li>{@code message_delta} gives the stop reason and the output count;</li>
 *   <li>{@code message_stop} ends the stream; {@code error} ends it with a failure;</li>
 *   <li>{@code ping} and unknown types are skipped, as Anthropic's versioning policy asks of
 *       clients (new event types may appear).</li>
 * </ul>
 */
final class StreamAssembler {
    private static final String EMPTY_INPUT = "{}";

    private final ObjectMapper json;
    private final AnthropicErrorMapper errors;
    private final StringBuilder content = new StringBuilder();
    private final ToolCallAssembler toolCalls = new ToolCallAssembler();
    // Content-block index -> tool-call index, for the tool_use blocks of this message.
    private final Map<Integer, Integer> toolBlocks = new HashMap<>();
    private final Set<Integer> toolsWithArguments = new HashSet<>();
    private String id = "";
    private String providerModel = "";
    private String stopReason = "";
    private int promptTokens;
    private int completionTokens;
    private boolean started;
    private boolean done;
    private int events;

    StreamAssembler(ObjectMapper json, AnthropicErrorMapper errors) {
        this.json = json;
        this.errors = errors;
    }

    /**
     * Takes one event; returns what it adds for the caller, in order: {@link StreamEvent.Delta}s
     * and {@link StreamEvent.ToolCallDelta}s (empty when it adds nothing).
     *
     * @throws LlmFailureException when the event is an {@code error}
     * @throws WireFormatException when a known event does not have its documented shape
     */
    List<StreamEvent> accept(ServerSentEvent event) {
        events++;
        switch (event.type()) {
            case "message_start" -> start(parse(event).path("message"));
            case "content_block_start" -> {
                return blockStart(parse(event));
            }
            case "content_block_delta" -> {
                return blockDelta(parse(event));
            }
            case "content_block_stop" -> {
                return blockStop(parse(event));
            }
            case "message_delta" -> delta(parse(event));
            case "message_stop" -> done = true;
            case "error" -> throw new LlmFailureException(errors.fromStream(parse(event).path("error")));
            default -> {
                // ping and event types newer than this code.
            }
        }
        return List.of();
    }

    private void start(JsonNode message) {
        if (!message.isObject()) {
            throw new WireFormatException("message_start without a message object");
        }
        started = true;
        id = message.path("id").asText("");
        providerModel = message.path("model").asText("");
        JsonNode usage = message.path("usage");
        promptTokens = AnthropicResponseMapper.promptTokens(usage);
        completionTokens = AnthropicResponseMapper.count(usage, "output_tokens");
    }

    // A text block may start with text of its own (usually ""); a tool_use block starts a call.
    private List<StreamEvent> blockStart(JsonNode event) {
        JsonNode block = event.path("content_block");
        return switch (block.path("type").asText()) {
            case "text" -> text(block.path("text").asText(""));
            case "tool_use" -> {
                int toolIndex = toolBlocks.size();
                toolBlocks.put(blockIndex(event), toolIndex);
                // The start carries "input":{}; the input itself comes in input_json_delta fragments.
                yield tool(StreamEvent.ToolCallDelta.start(toolIndex,
                        AnthropicResponseMapper.required(block, "id", toolIndex),
                        AnthropicResponseMapper.required(block, "name", toolIndex), ""));
            }
            default -> List.of();
        };
    }

    private List<StreamEvent> blockDelta(JsonNode event) {
        JsonNode delta = event.path("delta");
        return switch (delta.path("type").asText()) {
            case "text_delta" -> text(delta.path("text").asText(""));
            case "input_json_delta" -> {
                Integer toolIndex = toolBlocks.get(blockIndex(event));
                String fragment = delta.path("partial_json").asText("");
                if (toolIndex == null || fragment.isEmpty()) {
                    // Input of a block that is no client tool call (a server tool), or nothing new.
                    yield List.of();
                }
                toolsWithArguments.add(toolIndex);
                yield tool(StreamEvent.ToolCallDelta.arguments(toolIndex, fragment));
            }
            default -> List.of();
        };
    }

    private List<StreamEvent> blockStop(JsonNode event) {
        Integer toolIndex = event.path("index").canConvertToInt() ? toolBlocks.get(event.path("index").intValue()) : null;
        if (toolIndex == null || toolsWithArguments.contains(toolIndex)) {
            return List.of();
        }
        toolsWithArguments.add(toolIndex);
        return tool(StreamEvent.ToolCallDelta.arguments(toolIndex, EMPTY_INPUT));
    }

    private int blockIndex(JsonNode event) {
        JsonNode index = event.path("index");
        if (!index.canConvertToInt()) {
            throw new WireFormatException("stream event " + events + " has no content block index");
        }
        return index.intValue();
    }

    private List<StreamEvent> text(String text) {
        if (text.isEmpty()) {
            return List.of();
        }
        content.append(text);
        return List.of(new StreamEvent.Delta(text));
    }

    private List<StreamEvent> tool(StreamEvent.ToolCallDelta fragment) {
        toolCalls.add(fragment);
        return List.of(fragment);
    }

    // Anthropic repeats usage in message_delta, cumulatively; the contract takes the input from
    // message_start and the output from the last message_delta, so only output_tokens is read here.
    private void delta(JsonNode event) {
        JsonNode reason = event.path("delta").path("stop_reason");
        if (reason.isTextual()) {
            stopReason = reason.asText();
        }
        JsonNode usage = event.path("usage");
        if (usage.has("output_tokens")) {
            completionTokens = AnthropicResponseMapper.count(usage, "output_tokens");
        }
    }

    private JsonNode parse(ServerSentEvent event) {
        try {
            JsonNode data = json.readTree(event.data());
            if (data == null || !data.isObject()) {
                throw new WireFormatException("stream event " + events + " (" + event.type() + ") is not a JSON object");
            }
            return data;
        } catch (IOException malformed) {
            throw new WireFormatException("stream event " + events + " (" + event.type() + ") is not valid JSON");
        }
    }

    /** Whether {@code message_start} has been read. */
    boolean started() {
        return started;
    }

    /** True once {@code message_stop} has arrived. */
    boolean done() {
        return done;
    }

    /** How many events were read, for messages about a stream cut short. */
    int events() {
        return events;
    }

    /** The whole answer; call it once {@link #done()}. Its tool calls are the fragments reassembled. */
    AnthropicResponseMapper.Completion result() {
        if (!started) {
            throw new WireFormatException("message_stop without message_start");
        }
        FinishReason finish = AnthropicResponseMapper.finishReason(stopReason);
        return new AnthropicResponseMapper.Completion(id, providerModel, content.toString(), toolCalls.toolCalls(),
                finish, new Usage(promptTokens, completionTokens));
    }
}
