package io.llmclient.provider.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;

/**
 * Reads a {@code chat.completion.chunk} with Jackson's streaming parser, without the tree that
 * {@code readTree} builds for every upstream event (the largest cost of our own per streamed
 * event, docs/decisions.md 41). It gives the {@link OpenAiChunk} that
 * {@link OpenAiChunk#of} gives for the same chunk's tree, or null whenever the tree must decide:
 * data that is not a JSON object, not valid JSON, a field the decoder uses given twice, data
 * long enough to hold a string over the parser's limit (a skipped string is not measured), or a
 * mapper that refuses trailing tokens. So every refusal and its message still come from the tree.
 */
final class OpenAiChunkReader {
    private static final int ERROR = 1;
    private static final int ID = 1 << 1;
    private static final int MODEL = 1 << 2;
    private static final int USAGE = 1 << 3;
    private static final int CHOICES = 1 << 4;
    private static final int FINISH = 1 << 5;
    private static final int DELTA = 1 << 6;
    private static final int CONTENT = 1 << 7;
    private static final int TOOL_CALLS = 1 << 8;

    private final ObjectMapper json;
    private final StreamedReadScope scope;

    OpenAiChunkReader(ObjectMapper json) {
        this.json = json;
        this.scope = StreamedReadScope.of(json);
    }

    /**
     * The fields of the chunk in {@code data} (UTF-8, as {@code ServerSentEvent.parsableData()} gives
     * it), or null when the tree must read it (see the class comment). Without
     * {@code ids} its {@code id} and {@code model} are skipped, not decoded (null in the record):
     * the decoder keeps the first ones it saw.
     */
    OpenAiChunk read(byte[] data, boolean ids) {
        if (!scope.covers(data.length)) {
            return null;
        }
        try (JsonParser parser = json.createParser(data)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            return new Walk(parser, ids).chunk();
        } catch (IOException malformedOrUnusual) {
            return null;
        }
    }

    /** One chunk's walk: what was seen so far. */
    private final class Walk {
        private final JsonParser parser;
        private final boolean ids;
        private int seen;
        private JsonNode error;
        private String id;
        private String model;
        private JsonNode usage;
        private boolean choice;
        private JsonNode finishReason;
        private String content;
        private JsonNode toolCalls;

        Walk(JsonParser parser, boolean ids) {
            this.parser = parser;
            this.ids = ids;
        }

        OpenAiChunk chunk() throws IOException {
            for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
                JsonToken value = parser.nextToken();
                switch (name) {
                    case "error" -> {
                        once(ERROR);
                        error = value == JsonToken.START_OBJECT ? json.readTree(parser) : skipped();
                    }
                    case "id" -> {
                        once(ID);
                        id = ids ? string(value) : skipped();
                    }
                    case "model" -> {
                        once(MODEL);
                        model = ids ? string(value) : skipped();
                    }
                    case "usage" -> {
                        once(USAGE);
                        usage = tree(value);
                    }
                    case "choices" -> {
                        once(CHOICES);
                        choices(value);
                    }
                    default -> parser.skipChildren();
                }
            }
            return new OpenAiChunk(error, id, model, usage, choice, finishReason, content, toolCalls);
        }

        // Only choices[0] is used; the rest of the array is skipped.
        private void choices(JsonToken value) throws IOException {
            if (value != JsonToken.START_ARRAY) {
                parser.skipChildren();
                return;
            }
            JsonToken first = parser.nextToken();
            if (first == JsonToken.END_ARRAY) {
                return;
            }
            if (first == JsonToken.START_OBJECT) {
                choice = true;
                choice();
            } else {
                parser.skipChildren();
            }
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                parser.skipChildren();
            }
        }

        private void choice() throws IOException {
            for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
                JsonToken value = parser.nextToken();
                switch (name) {
                    case "finish_reason" -> {
                        once(FINISH);
                        // The usual finish reasons are strings: no tree for them.
                        finishReason = value == JsonToken.VALUE_STRING ? TextNode.valueOf(parser.getText()) : tree(value);
                    }
                    case "delta" -> {
                        once(DELTA);
                        delta(value);
                    }
                    default -> parser.skipChildren();
                }
            }
        }

        private void delta(JsonToken value) throws IOException {
            if (value != JsonToken.START_OBJECT) {
                parser.skipChildren();
                return;
            }
            for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
                JsonToken field = parser.nextToken();
                switch (name) {
                    case "content" -> {
                        once(CONTENT);
                        content = string(field);
                    }
                    case "tool_calls" -> {
                        once(TOOL_CALLS);
                        toolCalls = tree(field);
                    }
                    default -> parser.skipChildren();
                }
            }
        }

        private String string(JsonToken value) throws IOException {
            return value == JsonToken.VALUE_STRING ? parser.getText() : skipped();
        }

        private JsonNode tree(JsonToken value) throws IOException {
            return value == JsonToken.VALUE_NULL ? null : json.readTree(parser);
        }

        private <T> T skipped() throws IOException {
            parser.skipChildren();
            return null;
        }

        // A field the decoder uses, given twice: the tree keeps the last one (or refuses), so it decides.
        private void once(int field) throws IOException {
            if ((seen & field) != 0) {
                throw new IOException("a chunk field given twice");
            }
            seen |= field;
        }
    }
}
