package io.llmclient.provider.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.tools.ToolCall;
import io.llmclient.provider.support.skeleton.Completion;
import java.io.IOException;
import java.util.List;

/**
 * Reads a whole {@code chat.completion} body with Jackson's streaming parser, without the tree
 * that {@code readTree} builds for the ~25 fields of every answer when only eight are used: the
 * allocation of the non-streamed path, whose young collections set its p99, fell by a ninth
 * (docs/decisions.md 48). It gives the {@link Completion} that
 * {@link OpenAiResponseMapper#completion} gives for the same body's tree, or null whenever the tree
 * must decide: a body that is not a JSON object or not valid JSON, no object at
 * {@code choices[0]}, a non-object {@code message}, a used field given twice, usage that is not
 * plain non-negative int counts, or a body outside the {@link StreamedReadScope}. So every refusal
 * and its message still come from the tree. Tool calls, rare and checked field by field, are read
 * as trees.
 */
final class OpenAiCompletionReader {
    private static final int ID = 1;
    private static final int MODEL = 1 << 1;
    private static final int CHOICES = 1 << 2;
    private static final int USAGE = 1 << 3;
    private static final int MESSAGE = 1 << 4;
    private static final int FINISH = 1 << 5;
    private static final int CONTENT = 1 << 6;
    private static final int TOOL_CALLS = 1 << 7;
    private static final int PROMPT = 1 << 8;
    private static final int COMPLETION = 1 << 9;
    private static final int DETAILS = 1 << 10;
    private static final int CACHED = 1 << 11;

    private final ObjectMapper json;
    private final StreamedReadScope scope;

    OpenAiCompletionReader(ObjectMapper json) {
        this.json = json;
        this.scope = StreamedReadScope.of(json);
    }

    /** What the body says, or null when the tree must read it (see the class comment). */
    Completion read(byte[] body) {
        if (!scope.covers(body.length)) {
            return null;
        }
        try (JsonParser parser = json.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            return new Walk(parser).completion();
        } catch (IOException malformedOrUnusual) {
            return null;
        }
    }

    /** One body's walk: what was seen so far. Anything the tree must decide ends it with an IOException. */
    private final class Walk {
        private final JsonParser parser;
        private int seen;
        private String id = "";
        private String model = "";
        private boolean choice;
        private String content = "";
        private JsonNode toolCalls;
        private JsonNode finishReason;
        private Usage usage = Usage.ZERO;
        private int promptTokens = -1;
        private int completionTokens = -1;
        private int cachedTokens;

        Walk(JsonParser parser) {
            this.parser = parser;
        }

        Completion completion() throws IOException {
            for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
                JsonToken value = parser.nextToken();
                switch (name) {
                    case "id" -> id = text(ID, value);
                    case "model" -> model = text(MODEL, value);
                    case "choices" -> {
                        once(CHOICES);
                        choices(value);
                    }
                    case "usage" -> {
                        once(USAGE);
                        usage(value);
                    }
                    default -> parser.skipChildren();
                }
            }
            if (!choice) {
                throw leftToTheTree();
            }
            List<ToolCall> calls = OpenAiResponseMapper.toolCalls(toolCalls);
            return new Completion(id, model, content, calls,
                    OpenAiResponseMapper.withCalls(OpenAiResponseMapper.finishReason(finishReason), calls), usage);
        }

        // Only choices[0] is used; the rest of the array is skipped.
        private void choices(JsonToken value) throws IOException {
            if (value != JsonToken.START_ARRAY || parser.nextToken() != JsonToken.START_OBJECT) {
                throw leftToTheTree();
            }
            choice = true;
            for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
                JsonToken field = parser.nextToken();
                switch (name) {
                    case "message" -> {
                        once(MESSAGE);
                        message(field);
                    }
                    case "finish_reason" -> {
                        once(FINISH);
                        // The usual finish reasons are strings: no tree for them.
                        finishReason = field == JsonToken.VALUE_STRING ? TextNode.valueOf(parser.getText()) : tree(field);
                    }
                    default -> parser.skipChildren();
                }
            }
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                parser.skipChildren();
            }
        }

        private void message(JsonToken value) throws IOException {
            if (value != JsonToken.START_OBJECT) {
                throw leftToTheTree();
            }
            for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
                JsonToken field = parser.nextToken();
                switch (name) {
                    // Null (an answer with only tool calls) or any other non-string is no text.
                    case "content" -> content = text(CONTENT, field);
                    case "tool_calls" -> {
                        once(TOOL_CALLS);
                        toolCalls = tree(field);
                    }
                    default -> parser.skipChildren();
                }
            }
        }

        private void usage(JsonToken value) throws IOException {
            if (!objectOrNull(value)) {
                return;
            }
            for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
                JsonToken field = parser.nextToken();
                switch (name) {
                    case "prompt_tokens" -> {
                        once(PROMPT);
                        promptTokens = count(field);
                    }
                    case "completion_tokens" -> {
                        once(COMPLETION);
                        completionTokens = count(field);
                    }
                    case "prompt_tokens_details" -> {
                        once(DETAILS);
                        details(field);
                    }
                    default -> parser.skipChildren();
                }
            }
            if (promptTokens < 0 || completionTokens < 0) {
                throw leftToTheTree();
            }
            usage = new Usage(promptTokens, completionTokens, cachedTokens, 0);
        }

        // Absent or null cached tokens are 0, as the tree reads them.
        private void details(JsonToken value) throws IOException {
            if (!objectOrNull(value)) {
                return;
            }
            for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
                JsonToken field = parser.nextToken();
                if (name.equals("cached_tokens")) {
                    once(CACHED);
                    cachedTokens = field == JsonToken.VALUE_NULL ? 0 : count(field);
                } else {
                    parser.skipChildren();
                }
            }
        }

        // True for an object to walk, false for null; any other value is the tree's to decide.
        private boolean objectOrNull(JsonToken value) throws IOException {
            if (value == JsonToken.VALUE_NULL) {
                return false;
            }
            if (value != JsonToken.START_OBJECT) {
                throw leftToTheTree();
            }
            return true;
        }

        // A token count the tree accepts without a second look: an int that is not negative.
        private int count(JsonToken value) throws IOException {
            if (value != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() != JsonParser.NumberType.INT
                    || parser.getIntValue() < 0) {
                throw leftToTheTree();
            }
            return parser.getIntValue();
        }

        private String text(int field, JsonToken value) throws IOException {
            once(field);
            if (value == JsonToken.VALUE_STRING) {
                return parser.getText();
            }
            parser.skipChildren();
            return "";
        }

        private JsonNode tree(JsonToken value) throws IOException {
            return value == JsonToken.VALUE_NULL ? null : json.readTree(parser);
        }

        // The body is valid so far, but its reading is the tree's to decide.
        private static IOException leftToTheTree() {
            return new IOException("left to the tree");
        }

        // A field the mapper uses, given twice: the tree keeps the last one (or refuses), so it decides.
        private void once(int field) throws IOException {
            if ((seen & field) != 0) {
                throw leftToTheTree();
            }
            seen |= field;
        }
    }
}
