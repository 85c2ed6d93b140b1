package io.llmclient.provider.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;

/** Assertions on JSON text a provider produced: tool arguments and JSON-mode answers. */
final class JsonChecks {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonChecks() {
    }

    /** {@code text} is one JSON object; returns it. */
    static JsonNode object(String text, String what) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException notJson) {
            return fail(what + " is not JSON: " + text);
        }
        assertTrue(node != null && node.isObject(), () -> what + " is not a JSON object: " + text);
        return node;
    }

    /**
     * {@code value} follows the outline of {@code schema}: the JSON type of each schema node
     * that names one, and every required property of an object present, recursively. Not a full
     * JSON Schema validator; enough to tell a schema-shaped answer from free-form JSON.
     */
    static void followsSchema(JsonNode value, Map<String, Object> schema, String path) {
        if (schema.get("type") instanceof String type) {
            assertTrue(hasType(value, type), () -> path + " should be " + type + ", got " + value);
        }
        if (value.isObject() && schema.get("required") instanceof List<?> required) {
            required.forEach(name -> assertTrue(value.has(String.valueOf(name)),
                    () -> path + " lacks required property " + name + ": " + value));
        }
        if (value.isObject() && schema.get("properties") instanceof Map<?, ?> properties) {
            properties.forEach((name, property) -> {
                JsonNode member = value.get(String.valueOf(name));
                if (member != null && property instanceof Map<?, ?> nested) {
                    followsSchema(member, keyed(nested), path + "." + name);
                }
            });
        }
        if (value.isArray() && schema.get("items") instanceof Map<?, ?> items) {
            for (int i = 0; i < value.size(); i++) {
                followsSchema(value.get(i), keyed(items), path + "[" + i + "]");
            }
        }
    }

    private static boolean hasType(JsonNode value, String type) {
        return switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            case "null" -> value.isNull();
            default -> true;
        };
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> keyed(Map<?, ?> schema) {
        // Schemas are decoded JSON: their keys are strings.
        return (Map<String, Object>) schema;
    }
}
