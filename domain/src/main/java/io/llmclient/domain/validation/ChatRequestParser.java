package io.llmclient.domain.validation;

import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.Complexity;
import io.llmclient.domain.chat.ForwardedHeaders;
import io.llmclient.domain.chat.Message;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.Role;
import io.llmclient.domain.failure.FieldError;
import io.llmclient.domain.tools.ResponseFormat;
import io.llmclient.domain.tools.ToolCall;
import io.llmclient.domain.tools.ToolChoice;
import io.llmclient.domain.tools.ToolDefinition;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Turns request params, as plain Java values decoded from JSON (maps, lists, strings, numbers,
 * booleans, null), into a {@link ChatRequest}, or into the list of <em>every</em> broken field.
 * Working on plain values keeps the rules free of any JSON library.
 *
 * <p>Tool calling ({@code tools}, {@code tool_choice}, {@code response_format}, a message's
 * {@code tool_calls} and {@code tool_call_id}) uses OpenAI's shapes on every surface; the rules
 * are in {@code ToolParams} and {@code ToolConversation}, and in docs/tool-calling.md.
 */
public final class ChatRequestParser {

    /** The params a chat request may carry; anything else is refused so typos do not go unnoticed. */
    public static final Set<String> KNOWN_FIELDS = Set.of("model", "messages", "temperature", "max_tokens",
            "stream", "trace_id", "source_agent", "session_id", "tier", "complexity", "tools", "tool_choice",
            "response_format", "stop");
    private static final Set<String> MESSAGE_FIELDS = Set.of("role", "content", "tool_calls", "tool_call_id");
    private static final double MAX_TEMPERATURE = 2.0;
    private static final int MAX_ID_LENGTH = 256;
    private static final int MAX_MODEL_LENGTH = 256;
    private static final int MAX_STOP_LENGTH = 256;
    // Context ids travel upstream as HTTP headers: visible ASCII only, so none can split a header.
    private static final Pattern HEADER_SAFE = Pattern.compile("[\\x21-\\x7E]+");
    private static final String ROLES = Arrays.stream(Role.values()).map(Role::wireName)
            .collect(Collectors.joining(", "));
    private static final String TIERS = Arrays.stream(ModelTier.values()).map(ModelTier::wireName)
            .collect(Collectors.joining(", "));
    private static final String COMPLEXITIES = Arrays.stream(Complexity.values()).map(Complexity::wireName)
            .collect(Collectors.joining(", "));

    private ChatRequestParser() {
    }

    /**
     * Parses params with the {@link RequestLimits#defaults() default limits}. A2A values in
     * params win over {@code fromHeaders}, whose trace id is used when params carry none.
     */
    public static Validated<ChatRequest> parse(Map<String, ?> params, A2aContext fromHeaders) {
        return parse(params, fromHeaders, RequestLimits.defaults());
    }

    /** As {@link #parse(Map, A2aContext)}, holding the request to {@code limits}. */
    public static Validated<ChatRequest> parse(Map<String, ?> params, A2aContext fromHeaders, RequestLimits limits) {
        var errors = new ArrayList<FieldError>();
        params.keySet().stream().filter(key -> !KNOWN_FIELDS.contains(key)).sorted()
                .forEach(key -> errors.add(new FieldError(key, "is not a known field")));

        Optional<String> model = optionalString(params, "model", MAX_MODEL_LENGTH, errors);
        List<Message> messages = messages(params.get("messages"), limits.maxMessages(), errors);
        OptionalDouble temperature = temperature(params.get("temperature"), errors);
        OptionalInt maxTokens = maxTokens(params.get("max_tokens"), errors);
        boolean stream = bool(params, "stream", errors);
        Optional<ModelTier> tier = optionalString(params, "tier", MAX_ID_LENGTH, errors)
                .flatMap(value -> enumValue(ModelTier.fromWire(value), "tier", TIERS, errors));
        Optional<Complexity> complexity = optionalString(params, "complexity", MAX_ID_LENGTH, errors)
                .flatMap(value -> enumValue(Complexity.fromWire(value), "complexity", COMPLEXITIES, errors));
        checkOneSelector(params, errors);
        Optional<String> traceId = headerSafe(params, "trace_id", errors);
        Optional<String> sourceAgent = headerSafe(params, "source_agent", errors);
        Optional<String> sessionId = headerSafe(params, "session_id", errors);
        int beforeTools = errors.size();
        List<ToolDefinition> tools = ToolParams.tools(params.get("tools"), errors);
        Optional<ToolChoice> toolChoice = ToolParams.toolChoice(params.get("tool_choice"), tools,
                errors.size() == beforeTools, errors);
        Optional<ResponseFormat> responseFormat = ToolParams.responseFormat(params.get("response_format"), errors);
        List<String> stop = stop(params.get("stop"), errors);

        if (!errors.isEmpty()) {
            return new Validated.Invalid<>(errors);
        }
        var context = new A2aContext(traceId.orElse(fromHeaders.traceId()),
                sourceAgent.or(fromHeaders::sourceAgent), sessionId.or(fromHeaders::sessionId),
                fromHeaders.principal());
        return new Validated.Valid<>(new ChatRequest(model, messages, temperature, maxTokens, stream, tier,
                complexity, context, tools, toolChoice, responseFormat, stop, ForwardedHeaders.NONE));
    }

    /**
     * The A2A context of params that may be invalid, taking each id only when it is well formed.
     * Lets an error response carry the caller's trace id even when validation fails.
     */
    public static A2aContext bestEffortContext(Object params, A2aContext fromHeaders) {
        if (!(params instanceof Map<?, ?> map)) {
            return fromHeaders;
        }
        return new A2aContext(
                wellFormedId(map.get("trace_id")).orElse(fromHeaders.traceId()),
                wellFormedId(map.get("source_agent")).or(fromHeaders::sourceAgent),
                wellFormedId(map.get("session_id")).or(fromHeaders::sessionId), fromHeaders.principal());
    }

    /** Whether a context id (trace, agent, session) is safe to use and forward as a header. */
    public static boolean isWellFormedId(String value) {
        return value != null && value.length() <= MAX_ID_LENGTH && HEADER_SAFE.matcher(value).matches();
    }

    private static Optional<String> wellFormedId(Object value) {
        return value instanceof String text && isWellFormedId(text) ? Optional.of(text) : Optional.empty();
    }

    private static List<Message> messages(Object value, int maxMessages, List<FieldError> errors) {
        if (value == null) {
            errors.add(new FieldError("messages", "is required"));
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            errors.add(new FieldError("messages", "must be an array of messages"));
            return List.of();
        }
        if (list.isEmpty()) {
            errors.add(new FieldError("messages", "must not be empty"));
            return List.of();
        }
        if (list.size() > maxMessages) {
            // Refused before any message is looked at: the work per request stays bounded.
            errors.add(new FieldError("messages", "must hold at most " + maxMessages + " messages, got " + list.size()));
            return List.of();
        }
        var parsed = new ArrayList<Optional<Message>>(list.size());
        for (int i = 0; i < list.size(); i++) {
            parsed.add(message(list.get(i), "messages[" + i + "]", errors));
        }
        ToolConversation.check(parsed, errors);
        return parsed.stream().flatMap(Optional::stream).toList();
    }

    private static Optional<Message> message(Object value, String path, List<FieldError> errors) {
        if (!(value instanceof Map<?, ?> map)) {
            errors.add(new FieldError(path, "must be an object with role and content"));
            return Optional.empty();
        }
        int before = errors.size();
        map.keySet().stream().map(String::valueOf).filter(key -> !MESSAGE_FIELDS.contains(key)).sorted()
                .forEach(key -> errors.add(new FieldError(path + "." + key, "is not a known field")));
        Optional<Role> role = Optional.empty();
        Object rawRole = map.get("role");
        // An explicit JSON null is there but not a string; only an absent key is "required".
        if (!map.containsKey("role")) {
            errors.add(new FieldError(path + ".role", "is required"));
        } else if (!(rawRole instanceof String roleName)) {
            errors.add(new FieldError(path + ".role", "must be a string, one of: " + ROLES));
        } else {
            role = Role.fromWire(roleName);
            if (role.isEmpty()) {
                errors.add(new FieldError(path + ".role", "must be one of: " + ROLES));
            }
        }
        boolean callsTools = map.get("tool_calls") != null;
        List<ToolCall> toolCalls = List.of();
        if (callsTools && role.isPresent() && role.get() != Role.ASSISTANT) {
            errors.add(new FieldError(path + ".tool_calls", "is only allowed on assistant messages"));
        } else if (callsTools) {
            toolCalls = ToolParams.toolCalls(map.get("tool_calls"), path + ".tool_calls", errors);
        }
        Optional<String> toolCallId = Optional.empty();
        if (role.isPresent() && role.get() == Role.TOOL) {
            toolCallId = ToolParams.toolCallId(map, "tool_call_id", path + ".tool_call_id", errors);
        } else if (map.get("tool_call_id") != null && role.isPresent()) {
            errors.add(new FieldError(path + ".tool_call_id", "is only allowed on tool messages"));
        }
        String content = content(map, callsTools, path, errors);
        if (errors.size() > before || role.isEmpty() || content == null) {
            return Optional.empty();
        }
        return Optional.of(new Message(role.get(), content, toolCalls, toolCallId));
    }

    // An assistant message that calls tools may leave its content out or null, as OpenAI's do.
    private static String content(Map<?, ?> map, boolean callsTools, String path, List<FieldError> errors) {
        Object rawContent = map.get("content");
        if (rawContent instanceof String content) {
            return content;
        }
        if (callsTools && rawContent == null) {
            return "";
        }
        errors.add(new FieldError(path + ".content", map.containsKey("content") ? "must be a string"
                : "is required"));
        return null;
    }

    // OpenAI's shape: one string, or an array of at most four non-empty strings (decision 33).
    private static List<String> stop(Object value, List<FieldError> errors) {
        if (value == null) {
            return List.of();
        }
        List<?> given = value instanceof String single ? List.of(single) : value instanceof List<?> list ? list : null;
        if (given == null) {
            errors.add(new FieldError("stop", "must be a string or an array of strings"));
            return List.of();
        }
        if (given.size() > ChatRequest.MAX_STOP_SEQUENCES) {
            errors.add(new FieldError("stop", "must hold at most " + ChatRequest.MAX_STOP_SEQUENCES
                    + " stop sequences, got " + given.size()));
            return List.of();
        }
        var stop = new ArrayList<String>(given.size());
        int before = errors.size();
        for (int i = 0; i < given.size(); i++) {
            String path = value instanceof List<?> ? "stop[" + i + "]" : "stop";
            if (!(given.get(i) instanceof String sequence)) {
                errors.add(new FieldError(path, "must be a string"));
            } else if (sequence.isEmpty()) {
                errors.add(new FieldError(path, "must not be empty"));
            } else if (sequence.length() > MAX_STOP_LENGTH) {
                errors.add(new FieldError(path, "must be at most " + MAX_STOP_LENGTH + " characters"));
            } else {
                stop.add(sequence);
            }
        }
        return errors.size() > before ? List.of() : stop;
    }

    private static OptionalDouble temperature(Object value, List<FieldError> errors) {
        if (value == null) {
            return OptionalDouble.empty();
        }
        if (!(value instanceof Number number)) {
            errors.add(new FieldError("temperature", "must be a number between 0 and 2"));
            return OptionalDouble.empty();
        }
        double temperature = number.doubleValue();
        if (!Double.isFinite(temperature) || temperature < 0 || temperature > MAX_TEMPERATURE
                || exceedsDouble(number)) {
            errors.add(new FieldError("temperature", "must be between 0 and 2"));
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(temperature);
    }

    private static boolean exceedsDouble(Number number) {
        return number instanceof BigDecimal big && big.abs().compareTo(BigDecimal.valueOf(MAX_TEMPERATURE)) > 0;
    }

    private static OptionalInt maxTokens(Object value, List<FieldError> errors) {
        if (value == null) {
            return OptionalInt.empty();
        }
        BigInteger integer = integerValue(value);
        if (integer == null) {
            errors.add(new FieldError("max_tokens", "must be an integer greater than 0"));
            return OptionalInt.empty();
        }
        if (integer.signum() <= 0 || integer.bitLength() > 31) {
            errors.add(new FieldError("max_tokens", "must be between 1 and " + Integer.MAX_VALUE));
            return OptionalInt.empty();
        }
        return OptionalInt.of(integer.intValueExact());
    }

    private static BigInteger integerValue(Object value) {
        return switch (value) {
            case Integer i -> BigInteger.valueOf(i);
            case Long l -> BigInteger.valueOf(l);
            case Short s -> BigInteger.valueOf(s);
            case BigInteger big -> big;
            default -> null;
        };
    }

    private static boolean bool(Map<String, ?> params, String field, List<FieldError> errors) {
        Object value = params.get(field);
        if (value == null) {
            return false;
        }
        if (value instanceof Boolean flag) {
            return flag;
        }
        errors.add(new FieldError(field, "must be a boolean"));
        return false;
    }

    private static Optional<String> optionalString(Map<String, ?> params, String field, int maxLength,
                                                   List<FieldError> errors) {
        Object value = params.get(field);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof String text)) {
            errors.add(new FieldError(field, "must be a string"));
            return Optional.empty();
        }
        if (text.isBlank()) {
            errors.add(new FieldError(field, "must not be blank"));
            return Optional.empty();
        }
        if (text.length() > maxLength) {
            errors.add(new FieldError(field, "must be at most " + maxLength + " characters"));
            return Optional.empty();
        }
        return Optional.of(text);
    }

    private static Optional<String> headerSafe(Map<String, ?> params, String field, List<FieldError> errors) {
        Optional<String> value = optionalString(params, field, MAX_ID_LENGTH, errors);
        if (value.isPresent() && !HEADER_SAFE.matcher(value.get()).matches()) {
            errors.add(new FieldError(field, "must be visible ASCII characters without spaces"));
            return Optional.empty();
        }
        return value;
    }

    private static <E> Optional<E> enumValue(Optional<E> parsed, String field, String allowed,
                                             List<FieldError> errors) {
        if (parsed.isEmpty()) {
            errors.add(new FieldError(field, "must be one of: " + allowed));
        }
        return parsed;
    }

    private static void checkOneSelector(Map<String, ?> params, List<FieldError> errors) {
        boolean model = params.get("model") != null;
        boolean tier = params.get("tier") != null;
        boolean complexity = params.get("complexity") != null;
        if (model && tier) {
            errors.add(new FieldError("tier", "cannot be combined with model; give one of model, tier, complexity"));
        }
        if ((model || tier) && complexity) {
            errors.add(new FieldError("complexity",
                    "cannot be combined with " + (model ? "model" : "tier") + "; give one of model, tier, complexity"));
        }
    }
}
