package io.llmclient.domain.tools;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A function the model may call, as the caller declared it. {@code parameters} is a JSON Schema
 * object held as plain Java values (maps, lists, strings, numbers, booleans, null) so that the
 * domain needs no JSON library; an absent schema is {@link #NO_PARAMETERS}, OpenAI's meaning of
 * leaving it out. {@code strict} asks for arguments that follow the schema exactly (OpenAI's
 * structured outputs); providers that cannot promise it ignore it, as it only narrows output.
 */
public record ToolDefinition(String name, Optional<String> description, Map<String, Object> parameters,
                             boolean strict) {
    /** The names every provider accepts: OpenAI's rule, the narrowest of the three. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** The schema of a function without parameters. */
    public static final Map<String, Object> NO_PARAMETERS = noParameters();

    public ToolDefinition {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("tool name must match " + NAME.pattern() + ": " + name);
        }
        Objects.requireNonNull(description, "description");
        parameters = PlainJson.object(Objects.requireNonNull(parameters, "parameters"));
    }

    private static Map<String, Object> noParameters() {
        var schema = new LinkedHashMap<String, Object>();
        schema.put("type", "object");
        schema.put("properties", Map.of());
        return PlainJson.object(schema);
    }

    /** A function with a description and a schema, not strict. */
    public static ToolDefinition function(String name, String description, Map<String, ?> parameters) {
        return new ToolDefinition(name, Optional.of(description), PlainJson.object(parameters), false);
    }
}
