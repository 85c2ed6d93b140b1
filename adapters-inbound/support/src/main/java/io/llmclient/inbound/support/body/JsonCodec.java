package io.llmclient.inbound.support.body;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one JSON reader and writer of the inbound surfaces, hardened against hostile bodies:
 * bounded nesting depth, number length and string length; duplicate member names and trailing
 * tokens refused. Numbers keep their exact value (big integers, and decimals as written) so an
 * id is echoed as given and validation sees what the caller sent.
 */
public final class JsonCodec {
    /** Deeper JSON is refused by the parser; a chat request needs about five levels. */
    public static final int MAX_NESTING_DEPTH = 64;
    /** Longer number literals are refused: no legitimate value needs more digits. */
    public static final int MAX_NUMBER_LENGTH = 1000;

    private final ObjectMapper mapper;

    /** A codec whose strings may be as long as a whole body of {@code maxBodyBytes}. */
    public JsonCodec(long maxBodyBytes) {
        int maxString = (int) Math.min(Integer.MAX_VALUE, Math.max(1, maxBodyBytes));
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .maxStringLength(maxString)
                        .maxNameLength(maxString)
                        .maxDocumentLength(Math.max(1, maxBodyBytes))
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                // One shared buffer pool: Jackson's default keeps buffers per thread, and every
                // request has a virtual thread of its own (SharedBufferJson in provider-http-support).
                .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
                .build();
        this.mapper = JsonMapper.builder(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
                .build();
    }

    /** The outcome of parsing a body: a JSON value, or why it is not one. */
    public sealed interface Parsed {
        /** The body is one JSON value. */
        record Json(JsonNode value) implements Parsed {
        }

        /** The body is not acceptable JSON; {@code reason} is safe to show the caller. */
        record NotJson(String reason) implements Parsed {
        }
    }

    /** Parses a whole body. Never throws for bad input. */
    public Parsed parse(byte[] body) {
        if (body.length == 0) {
            return new Parsed.NotJson("the body is empty");
        }
        try {
            JsonNode value = mapper.readTree(body);
            if (value == null || value.isMissingNode()) {
                return new Parsed.NotJson("the body holds no JSON value");
            }
            return new Parsed.Json(value);
        } catch (StreamConstraintsException tooBig) {
            return new Parsed.NotJson("the JSON exceeds a limit (nesting deeper than " + MAX_NESTING_DEPTH
                    + " levels, a number longer than " + MAX_NUMBER_LENGTH + " digits, or a string longer than"
                    + " the body limit)");
        } catch (NumberFormatException | ArithmeticException outOfRange) {
            // Found by fuzzing: Jackson throws these unwrapped for a decimal like 1e999999999999999 that
            // no BigDecimal can hold. It is malformed input, not a bug of ours.
            return new Parsed.NotJson("a number is out of range");
        } catch (JsonProcessingException malformed) {
            // Jackson's own message quotes the input, which may hold anything: only the position is shown.
            var at = malformed.getLocation();
            return new Parsed.NotJson(at == null ? "invalid JSON"
                    : "invalid JSON at line " + at.getLineNr() + ", column " + at.getColumnNr());
        } catch (IOException impossible) {
            return new Parsed.NotJson("the body could not be read as JSON");
        }
    }

    /** A JSON value as plain Java values: maps, lists, strings, numbers (exact), booleans and null. */
    public static Object toJava(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT -> {
                var map = new LinkedHashMap<String, Object>();
                node.properties().forEach(entry -> map.put(entry.getKey(), toJava(entry.getValue())));
                yield map;
            }
            case ARRAY -> {
                var list = new ArrayList<Object>(node.size());
                node.forEach(element -> list.add(toJava(element)));
                yield list;
            }
            case STRING -> node.textValue();
            case NUMBER -> node.numberValue();
            case BOOLEAN -> node.booleanValue();
            case NULL, MISSING -> null;
            case BINARY, POJO -> throw new IllegalArgumentException("not a JSON value: " + node.getNodeType());
        };
    }

    /** An object's members as plain Java values, for the domain's request parser. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> toJavaMap(JsonNode object) {
        if (!object.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        return (Map<String, Object>) toJava(object);
    }

    /** Serialises a JSON value to UTF-8 bytes. */
    public byte[] write(JsonNode value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException impossible) {
            throw new UncheckedIOException(impossible);
        }
    }

    /** The node factory responses are built with. */
    public JsonNodeFactory nodes() {
        return mapper.getNodeFactory();
    }
}
