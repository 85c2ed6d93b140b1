package io.llmclient.provider.anthropic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import io.llmclient.provider.support.json.SharedBufferJson;

/**
 * The JSON reading and writing of this adapter. Numbers are read exactly (decimals as
 * {@code BigDecimal}, trailing zeros kept), because tool-call inputs pass through it in both
 * directions: a caller's {@code "price": 19.90} reaches Anthropic as {@code 19.90}, and
 * Anthropic's {@code input} reaches the caller's arguments without a detour through
 * {@code double}. Object members keep their order.
 */
final class WireJson {
    private static final ObjectMapper EXACT = mapper();

    private WireJson() {
    }

    /** A new mapper with the exact-number rules above (one per provider; mappers are thread-safe). */
    static ObjectMapper mapper() {
        return SharedBufferJson.mapperBuilder()
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
                .build();
    }

    /**
     * A tool input as arguments text: compact JSON, members in the order Anthropic sent them,
     * numbers as read. The same tree always gives the same text.
     */
    static String compact(JsonNode value) {
        try {
            return EXACT.writeValueAsString(value);
        } catch (JsonProcessingException impossible) {
            // A tree read from JSON always serialises.
            throw new IllegalStateException(impossible);
        }
    }

    /** Reads JSON text; throws {@link JsonProcessingException} when it is not JSON. */
    static JsonNode read(String text) throws JsonProcessingException {
        return EXACT.readTree(text);
    }
}
