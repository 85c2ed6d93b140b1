package io.llmclient.domain.tools;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The shape the answer's text must have: OpenAI's {@code response_format}. JSON mode asks for
 * any JSON object; a JSON schema asks for an object that follows {@code schema} (held as plain
 * Java values, like a tool's parameters).
 */
public sealed interface ResponseFormat permits ResponseFormat.Text, ResponseFormat.JsonObject,
        ResponseFormat.JsonSchema {
    /** Free text, the default. */
    ResponseFormat TEXT = new Text();
    /** Any JSON object. */
    ResponseFormat JSON_OBJECT = new JsonObject();

    /** Free text. */
    record Text() implements ResponseFormat {
    }

    /** One JSON object, of any shape. */
    record JsonObject() implements ResponseFormat {
    }

    /** One JSON value following {@code schema}; {@code name} identifies the schema to the provider. */
    record JsonSchema(String name, Optional<String> description, Map<String, Object> schema, boolean strict)
            implements ResponseFormat {
        public JsonSchema {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(description, "description");
            schema = PlainJson.object(Objects.requireNonNull(schema, "schema"));
        }
    }
}
