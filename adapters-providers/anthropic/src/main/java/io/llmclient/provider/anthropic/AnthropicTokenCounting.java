package io.llmclient.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientRequest;
import io.llmclient.application.provider.ApiKey;
import io.llmclient.application.provider.CallContext;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.provider.support.http.HttpReply;
import io.llmclient.provider.support.skeleton.TokenCounting;
import io.llmclient.provider.support.skeleton.WireFormatException;
import java.io.IOException;
import java.net.URI;
import java.util.List;

/**
 * Anthropic's own input-token count: {@code POST {base}/v1/messages/count_tokens} with the Messages
 * body less what does not count as input ({@code max_tokens}, {@code temperature},
 * {@code stop_sequences}, {@code stream}), answered by {@code {"input_tokens": N}}.
 */
final class AnthropicTokenCounting implements TokenCounting {
    static final String COUNT_PATH = "v1/messages/count_tokens";
    // Members of the Messages body that the count endpoint does not take.
    private static final List<String> NOT_INPUT = List.of("max_tokens", "temperature", "stop_sequences", "stream");

    private final URI endpoint;
    private final MaxTokensDefaults maxTokens;
    private final ObjectMapper json;

    AnthropicTokenCounting(URI baseUrl, MaxTokensDefaults maxTokens, ObjectMapper json) {
        String base = baseUrl.toString();
        this.endpoint = URI.create(base.endsWith("/") ? base + COUNT_PATH : base + "/" + COUNT_PATH);
        this.maxTokens = maxTokens;
        this.json = json;
    }

    @Override
    public ObjectNode body(ChatRequest request, CallContext context) {
        ObjectNode body = AnthropicRequestMapper.map(request, context.model().providerModel(),
                maxTokens.forModel(context.model().id()), false);
        body.remove(NOT_INPUT);
        return body;
    }

    @Override
    public Http1ClientRequest request(Http1Client client, ApiKey key, CallContext context) {
        return client.post()
                .uri(endpoint)
                .header(HeaderNames.create("x-api-key"), key.value())
                .header(HeaderNames.create("anthropic-version"), AnthropicRequestMapper.API_VERSION)
                .accept(MediaTypes.APPLICATION_JSON);
    }

    @Override
    public int inputTokens(HttpReply reply) {
        JsonNode answer;
        try {
            answer = json.readTree(reply.body());
        } catch (IOException malformed) {
            throw new WireFormatException("the count is not valid JSON");
        }
        JsonNode count = answer == null ? null : answer.get("input_tokens");
        if (count == null || !count.canConvertToInt() || count.intValue() < 0) {
            throw new WireFormatException("the answer has no input_tokens count");
        }
        return count.intValue();
    }
}
