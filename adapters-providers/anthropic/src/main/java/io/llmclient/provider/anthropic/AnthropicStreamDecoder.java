package io.llmclient.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.provider.support.skeleton.Completion;
import io.llmclient.provider.support.skeleton.StreamAssembler;
import io.llmclient.provider.support.skeleton.StreamDecoder;
import io.llmclient.provider.support.skeleton.WireFormatException;
import io.llmclient.provider.support.sse.ServerSentEvent;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a Messages stream, one event at a time, into text deltas, tool-call fragments and the
 * final answer.
 *
 * <ul>
 *   <li>{@code message_start} gives the id, the upstream model and the input counts; read well,
 *       it means the stream was accepted;</li>
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
 *   <li>{@code message_delta} gives the stop reason and the output count, and in newer API
 *       versions restates the input and cache counts;</li>
 *   <li>{@code message_stop} ends the stream; {@code error} ends it with a failure;</li>
 *   <li>{@code ping} and unknown types are skipped, as Anthropic's versioning policy asks of
 *       clients (new event types may appear).</li>
 * </ul>
 */
final class AnthropicStreamDecoder implements StreamDecoder {
    private static final String EMPTY_INPUT = "{}";

    private final ObjectMapper json;
    // Content-block index -> tool-call index, for the tool_use blocks of this message.
    private final Map<Integer, Integer> toolBlocks = new HashMap<>();
    private final Set<Integer> toolsWithArguments = new HashSet<>();
    private String id = "";
    private String providerModel = "";
    private String stopReason = "";
    private Optional<String> stopSequence = Optional.empty();
    // Kept apart, not summed: a message_delta may restate any one of them.
    private int inputTokens;
    private int cacheWriteTokens;
    private int cacheReadTokens;
    private int completionTokens;
    private boolean started;
    private boolean done;

    AnthropicStreamDecoder(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public void decode(ServerSentEvent event, StreamAssembler into) {
        switch (event.type()) {
            case "message_start" -> start(parse(event, into).path("message"));
            case "content_block_start" -> blockStart(parse(event, into), into);
            case "content_block_delta" -> blockDelta(parse(event, into), into);
            case "content_block_stop" -> blockStop(parse(event, into), into);
            case "message_delta" -> delta(parse(event, into));
            case "message_stop" -> done = true;
            case "error" -> throw into.failure(parse(event, into).path("error"));
            default -> {
                // ping and event types newer than this code.
            }
        }
    }

    private void start(JsonNode message) {
        if (!message.isObject()) {
            throw new WireFormatException("message_start without a message object");
        }
        started = true;
        id = message.path("id").asText("");
        providerModel = message.path("model").asText("");
        JsonNode usage = message.path("usage");
        inputTokens = AnthropicResponseMapper.count(usage, "input_tokens");
        cacheWriteTokens = AnthropicResponseMapper.count(usage, "cache_creation_input_tokens");
        cacheReadTokens = AnthropicResponseMapper.count(usage, "cache_read_input_tokens");
        completionTokens = AnthropicResponseMapper.count(usage, "output_tokens");
    }

    // A text block may start with text of its own (usually ""); a tool_use block starts a call.
    private void blockStart(JsonNode event, StreamAssembler into) {
        JsonNode block = event.path("content_block");
        switch (block.path("type").asText()) {
            case "text" -> into.text(block.path("text").asText(""));
            case "tool_use" -> {
                int toolIndex = toolBlocks.size();
                toolBlocks.put(blockIndex(event, into), toolIndex);
                // The start carries "input":{}; the input itself comes in input_json_delta fragments.
                into.toolCall(StreamEvent.ToolCallDelta.start(toolIndex,
                        AnthropicResponseMapper.required(block, "id", toolIndex),
                        AnthropicResponseMapper.required(block, "name", toolIndex), ""));
            }
            default -> {
                // thinking, server tools and block types newer than this code are not shown.
            }
        }
    }

    private void blockDelta(JsonNode event, StreamAssembler into) {
        JsonNode delta = event.path("delta");
        switch (delta.path("type").asText()) {
            case "text_delta" -> into.text(delta.path("text").asText(""));
            case "input_json_delta" -> {
                Integer toolIndex = toolBlocks.get(blockIndex(event, into));
                String fragment = delta.path("partial_json").asText("");
                // Input of a block that is no client tool call (a server tool), or nothing new: not passed on.
                if (toolIndex != null && !fragment.isEmpty()) {
                    toolsWithArguments.add(toolIndex);
                    into.toolCall(StreamEvent.ToolCallDelta.arguments(toolIndex, fragment));
                }
            }
            default -> {
                // thinking_delta, signature_delta and delta types newer than this code.
            }
        }
    }

    private void blockStop(JsonNode event, StreamAssembler into) {
        Integer toolIndex = event.path("index").canConvertToInt() ? toolBlocks.get(event.path("index").intValue()) : null;
        if (toolIndex == null || toolsWithArguments.contains(toolIndex)) {
            return;
        }
        toolsWithArguments.add(toolIndex);
        into.toolCall(StreamEvent.ToolCallDelta.arguments(toolIndex, EMPTY_INPUT));
    }

    private static int blockIndex(JsonNode event, StreamAssembler into) {
        JsonNode index = event.path("index");
        if (!index.canConvertToInt()) {
            throw new WireFormatException("stream event " + into.events() + " has no content block index");
        }
        return index.intValue();
    }

    // Anthropic repeats usage in message_delta, cumulatively; the contract takes the output from the
    // last message_delta. Newer API versions also restate the input and cache counts there: a count
    // it carries is the later one and wins, one it leaves out (or null) keeps message_start's.
    private void delta(JsonNode event) {
        JsonNode reason = event.path("delta").path("stop_reason");
        if (reason.isTextual()) {
            stopReason = reason.asText();
            stopSequence = AnthropicResponseMapper.stopSequence(reason, event.path("delta").path("stop_sequence"));
        }
        JsonNode usage = event.path("usage");
        if (usage.has("output_tokens")) {
            completionTokens = AnthropicResponseMapper.count(usage, "output_tokens");
        }
        inputTokens = later(usage, "input_tokens", inputTokens);
        cacheWriteTokens = later(usage, "cache_creation_input_tokens", cacheWriteTokens);
        cacheReadTokens = later(usage, "cache_read_input_tokens", cacheReadTokens);
    }

    private static int later(JsonNode usage, String field, int earlier) {
        return usage.hasNonNull(field) ? AnthropicResponseMapper.count(usage, field) : earlier;
    }

    private JsonNode parse(ServerSentEvent event, StreamAssembler into) {
        try {
            JsonNode data = json.readTree(event.parsableData());
            if (data == null || !data.isObject()) {
                throw new WireFormatException("stream event " + into.events() + " (" + event.type()
                        + ") is not a JSON object");
            }
            return data;
        } catch (IOException malformed) {
            throw new WireFormatException("stream event " + into.events() + " (" + event.type() + ") is not valid JSON");
        }
    }

    /** {@code message_start} read well, and no {@code message_stop} yet: the stream is accepted. */
    @Override
    public boolean accepted() {
        return started && !done;
    }

    /** True once {@code message_stop} has arrived. */
    @Override
    public boolean done() {
        return done;
    }

    @Override
    public String endedEarly(int events) {
        return "stream ended before message_stop after " + events + " events";
    }

    /** The whole answer; its tool calls are the fragments reassembled. */
    @Override
    public Completion finish(StreamAssembler assembled) {
        if (!started) {
            throw new WireFormatException("message_stop without message_start");
        }
        return assembled.completion(id, providerModel, AnthropicResponseMapper.finishReason(stopReason), usage())
                .withStopSequence(stopSequence);
    }

    // message_start reports the input before the first token: a stream cut short is charged for it.
    @Override
    public Usage reportedSoFar() {
        try {
            return started ? usage() : Usage.ZERO;
        } catch (WireFormatException overflowing) {
            // finish() reports it as a malformed answer; until then there is nothing sound to charge.
            return Usage.ZERO;
        }
    }

    private Usage usage() {
        return new Usage(AnthropicResponseMapper.promptTokens(inputTokens, cacheWriteTokens, cacheReadTokens),
                completionTokens, cacheReadTokens, cacheWriteTokens);
    }
}
