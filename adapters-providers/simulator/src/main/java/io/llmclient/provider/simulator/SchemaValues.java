package io.llmclient.provider.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * A JSON value shaped by a JSON Schema, filled from the words of the prompt, always the same for
 * the same schema and words. The rule (docs/tool-calling.md): an object gets every property in
 * schema order; the n-th string filled takes the n-th word counting from the end of the prompt
 * (its subject is usually there: "weather in Paris" fills {@code city} with {@code Paris});
 * {@code enum} and {@code const} take their first value; an integer is the number of words, a
 * number that plus 0.5; a boolean is true; an array holds one item; {@code anyOf}/{@code oneOf}
 * take their first choice; a type list its first non-null type. {@code $ref} is not followed
 * (the value is null), nor is nesting deeper than {@value #MAX_DEPTH}.
 */
final class SchemaValues {
    static final int MAX_DEPTH = 8;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String FALLBACK_WORD = "simulated";

    private final List<String> words;
    private int stringsFilled;

    private SchemaValues(List<String> words) {
        this.words = words;
    }

    /** The compact JSON text of the value for {@code schema}. */
    static String json(Map<String, Object> schema, List<String> words) {
        return json(new SchemaValues(words).value(schema, 0));
    }

    /** Compact JSON text of a tree or of plain Java values (maps, lists, strings, numbers, ...). */
    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private JsonNode value(Object schemaValue, int depth) {
        if (!(schemaValue instanceof Map<?, ?> schema) || depth > MAX_DEPTH || schema.containsKey("$ref")) {
            return NODES.nullNode();
        }
        if (schema.containsKey("const")) {
            return tree(schema.get("const"));
        }
        if (schema.get("enum") instanceof List<?> values && !values.isEmpty()) {
            return tree(values.getFirst());
        }
        for (String choice : List.of("anyOf", "oneOf", "allOf")) {
            if (schema.get(choice) instanceof List<?> choices && !choices.isEmpty()) {
                return value(choices.getFirst(), depth + 1);
            }
        }
        return switch (type(schema)) {
            case "object" -> object(schema, depth);
            case "array" -> {
                ArrayNode array = NODES.arrayNode();
                if (schema.get("items") instanceof Map<?, ?> items) {
                    array.add(value(items, depth + 1));
                }
                yield array;
            }
            case "integer" -> NODES.numberNode(words.size());
            case "number" -> NODES.numberNode(words.size() + 0.5);
            case "boolean" -> NODES.booleanNode(true);
            case "null" -> NODES.nullNode();
            default -> NODES.textNode(nextWord());
        };
    }

    private static JsonNode tree(Object plain) {
        return plain == null ? NODES.nullNode() : JSON.valueToTree(plain);
    }

    private ObjectNode object(Map<?, ?> schema, int depth) {
        ObjectNode object = NODES.objectNode();
        if (schema.get("properties") instanceof Map<?, ?> properties) {
            properties.forEach((name, property) -> object.set(String.valueOf(name), value(property, depth + 1)));
        }
        return object;
    }

    private static String type(Map<?, ?> schema) {
        Object type = schema.get("type");
        if (type instanceof String name) {
            return name;
        }
        if (type instanceof List<?> names) {
            return names.stream().filter(name -> name instanceof String && !"null".equals(name))
                    .map(String.class::cast).findFirst().orElse("null");
        }
        return schema.containsKey("properties") ? "object" : "string";
    }

    private String nextWord() {
        if (words.isEmpty()) {
            return FALLBACK_WORD;
        }
        String word = words.get(words.size() - 1 - stringsFilled % words.size());
        stringsFilled++;
        return word;
    }
}
