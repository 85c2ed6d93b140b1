package io.llmclient.provider.support.skeleton;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.provider.support.http.HttpReply;
import java.io.IOException;
import java.util.function.Function;

/**
 * A provider's part of reading a whole (not streamed) 2xx answer. For an answer that is plain
 * JSON, {@link #ofJson} reads the JSON and the provider maps only the tree.
 */
@FunctionalInterface
public interface ResponseMapper {
    /**
     * What the answer says.
     *
     * @throws WireFormatException when the body does not have the provider's documented shape
     * @throws io.llmclient.domain.failure.LlmFailureException when the body is the provider's
     *                                                           error object or a failure it names
     */
    Completion completion(HttpReply reply);

    /**
     * The mapper of a provider whose answers are plain JSON: the body read with {@code json}
     * ({@link #readJson}), then {@code mapping}, which throws {@link WireFormatException} for a
     * tree of the wrong shape.
     */
    static ResponseMapper ofJson(ObjectMapper json, Function<JsonNode, Completion> mapping) {
        return reply -> mapping.apply(readJson(json, reply));
    }

    /**
     * The JSON of a whole answer.
     *
     * @throws WireFormatException for an empty body, or one that is not JSON (naming its type and size)
     */
    static JsonNode readJson(ObjectMapper json, HttpReply reply) {
        if (reply.body().length == 0) {
            throw new WireFormatException("empty body");
        }
        try {
            return json.readTree(reply.body());
        } catch (IOException notJson) {
            throw new WireFormatException("body is not valid JSON (" + reply.header("content-type")
                    .orElse("no content type") + ", " + reply.body().length + " bytes)");
        }
    }
}
