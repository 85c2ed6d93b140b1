package io.llmclient.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientRequest;
import io.llmclient.application.provider.ApiKey;
import io.llmclient.application.provider.CallContext;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.Message;
import io.llmclient.domain.chat.Role;
import io.llmclient.domain.failure.FieldError;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.tools.ResponseFormat;
import io.llmclient.domain.tools.ToolCall;
import io.llmclient.domain.tools.ToolChoice;
import io.llmclient.domain.tools.ToolDefinition;
import io.llmclient.provider.support.skeleton.RequestMapper;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Domain request -> Messages API body ({@code POST /v1/messages}).
 *
 * <ul>
 *   <li>Anthropic has no {@code system} role: every system message moves to the top-level
 *       {@code system} string, several joined in order by a blank line.</li>
 *   <li>The other turns, tool calls and tool results included, are {@link AnthropicTurns}.</li>
 *   <li>{@code max_tokens} is required by Anthropic: the caller's value, else the configured
 *       default for the model.</li>
 *   <li>The contract accepts temperature 0..2, Anthropic 0..1: a value above 1 is clamped to 1
 *       (the most random Anthropic allows) rather than refused, because selection by tier or
 *       complexity may route a request written for another provider here, and refusing would
 *       fail a request the caller wrote correctly.</li>
 *   <li>Tools are {@code {name, description, input_schema, strict}}; the tool choice is sent
 *       only when the caller gave one: {@code auto}, {@code any} (required), {@code tool} with a
 *       name, {@code none}.</li>
 *   <li>Anthropic refuses a history with {@code tool_use} blocks unless tools are declared. When
 *       the caller declared none (so no tool may be called), each function named in the history
 *       is declared with an open object schema and the tool choice is {@code none}: the
 *       conversation reaches the model and the model still cannot call anything.</li>
 *   <li>A JSON schema response format is Anthropic's structured output,
 *       {@code output_config.format = {type: json_schema, schema}}. JSON mode without a schema
 *       has no Anthropic equivalent and is refused, naming {@code response_format}.</li>
 * </ul>
 * What cannot be translated is refused as InvalidParams listing every such field, before
 * anything is sent.
 *
 * <p>The request: {@code POST {base}/v1/messages} with {@code x-api-key} and
 * {@code anthropic-version: }{@value #API_VERSION}.
 */
final class AnthropicRequestMapper implements RequestMapper {
    static final String MESSAGES_PATH = "v1/messages";
    static final String API_VERSION = "2023-06-01";
    static final double MAX_TEMPERATURE = 1.0;
    private static final HeaderName API_KEY = HeaderNames.create("x-api-key");
    private static final HeaderName ANTHROPIC_VERSION = HeaderNames.create("anthropic-version");
    private static final String TURN_SEPARATOR = "\n\n";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    // Only to turn the plain-Java schemas into trees; writing happens with the provider's mapper.
    private static final ObjectMapper TREES = WireJson.mapper();

    private final URI endpoint;
    private final MaxTokensDefaults maxTokens;

    /** {@code https://api.anthropic.com} -> {@code https://api.anthropic.com/v1/messages}, with or without a trailing slash. */
    AnthropicRequestMapper(URI baseUrl, MaxTokensDefaults maxTokens) {
        String base = baseUrl.toString();
        this.endpoint = URI.create(base.endsWith("/") ? base + MESSAGES_PATH : base + "/" + MESSAGES_PATH);
        this.maxTokens = maxTokens;
    }

    @Override
    public ObjectNode body(ChatRequest request, CallContext context, boolean stream) {
        return map(request, context.model().providerModel(), maxTokens.forModel(context.model().id()), stream);
    }

    @Override
    public Http1ClientRequest request(Http1Client client, ApiKey key, CallContext context, boolean stream) {
        return client.post()
                .uri(endpoint)
                .header(API_KEY, key.value())
                .header(ANTHROPIC_VERSION, API_VERSION)
                .accept(stream ? MediaTypes.TEXT_EVENT_STREAM : MediaTypes.APPLICATION_JSON);
    }

    @Override
    public String endpoint() {
        return endpoint.toString();
    }

    /**
     * The wire body for {@code request}, sent to {@code providerModel}.
     *
     * @throws LlmFailureException with InvalidParams when the request uses what Anthropic cannot do
     */
    static ObjectNode map(ChatRequest request, String providerModel, int defaultMaxTokens, boolean stream) {
        List<FieldError> refused = new ArrayList<>();
        ObjectNode body = NODES.objectNode();
        body.put("model", providerModel);
        body.put("max_tokens", request.maxTokens().orElse(defaultMaxTokens));
        List<String> system = request.messages().stream()
                .filter(message -> message.role() == Role.SYSTEM)
                .map(Message::content)
                .toList();
        if (!system.isEmpty()) {
            body.put("system", String.join(TURN_SEPARATOR, system));
        }
        AnthropicTurns turns = AnthropicTurns.of(request.messages());
        refused.addAll(turns.errors());
        body.set("messages", turns.wire());
        request.temperature().ifPresent(t -> body.put("temperature", Math.min(t, MAX_TEMPERATURE)));
        if (!request.stop().isEmpty()) {
            request.stop().forEach(body.putArray("stop_sequences")::add);
        }
        tools(request, body);
        outputFormat(request.effectiveResponseFormat(), body, refused);
        if (stream) {
            body.put("stream", true);
        }
        if (!refused.isEmpty()) {
            throw new LlmFailureException(new LlmFailure.InvalidParams(refused));
        }
        return body;
    }

    private static void tools(ChatRequest request, ObjectNode body) {
        if (!request.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            request.tools().forEach(tool -> tools.add(tool(tool)));
            request.toolChoice().ifPresent(choice -> body.set("tool_choice", toolChoice(choice)));
            return;
        }
        Set<String> called = calledInHistory(request.messages());
        if (!called.isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            called.forEach(name -> tools.addObject().put("name", name).set("input_schema", openObject()));
            body.set("tool_choice", toolChoice(ToolChoice.NONE));
        }
    }

    private static ObjectNode tool(ToolDefinition tool) {
        ObjectNode wire = NODES.objectNode().put("name", tool.name());
        tool.description().ifPresent(description -> wire.put("description", description));
        wire.set("input_schema", inputSchema(tool.parameters()));
        if (tool.strict()) {
            wire.put("strict", true);
        }
        return wire;
    }

    /**
     * The tool's parameters; Anthropic requires {@code "type":"object"}, which the contract
     * allows leaving out (it can only be {@code object}), so it is added first when absent.
     */
    private static ObjectNode inputSchema(Map<String, Object> parameters) {
        ObjectNode given = TREES.valueToTree(parameters);
        if (given.has("type")) {
            return given;
        }
        ObjectNode schema = openObject();
        schema.setAll(given);
        return schema;
    }

    private static ObjectNode openObject() {
        return NODES.objectNode().put("type", "object");
    }

    static ObjectNode toolChoice(ToolChoice choice) {
        return switch (choice) {
            case ToolChoice.Auto _ -> NODES.objectNode().put("type", "auto");
            case ToolChoice.Required _ -> NODES.objectNode().put("type", "any");
            case ToolChoice.Named(String name) -> NODES.objectNode().put("type", "tool").put("name", name);
            case ToolChoice.None _ -> NODES.objectNode().put("type", "none");
        };
    }

    // The functions the history's assistant messages called, in order of first call.
    private static Set<String> calledInHistory(List<Message> messages) {
        Set<String> names = new LinkedHashSet<>();
        messages.forEach(message -> message.toolCalls().stream().map(ToolCall::name).forEach(names::add));
        return names;
    }

    private static void outputFormat(ResponseFormat format, ObjectNode body, List<FieldError> refused) {
        switch (format) {
            case ResponseFormat.Text _ -> {
                // Free text is what Anthropic answers anyway.
            }
            case ResponseFormat.JsonObject _ -> refused.add(new FieldError("response_format",
                    "json_object is not supported by Anthropic, which has no JSON mode without a schema; "
                            + "use json_schema"));
            case ResponseFormat.JsonSchema schema -> {
                JsonNode tree = TREES.valueToTree(schema.schema());
                ObjectNode wire = body.putObject("output_config").putObject("format");
                wire.put("type", "json_schema");
                wire.set("schema", tree);
            }
        }
    }
}
