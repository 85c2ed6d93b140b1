package io.llmclient.provider.support.skeleton;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientRequest;
import io.llmclient.application.provider.ApiKey;
import io.llmclient.application.provider.CallContext;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.provider.support.http.HttpReply;

/**
 * A provider's own count of a request's input tokens (Anthropic's {@code count_tokens}), for the
 * providers that have one: the wire body, the HTTP request that carries it, and the count read from
 * the answer. {@link HttpProvider} sends it as it sends a call, A2A and forwarded headers included.
 */
public interface TokenCounting {
    /** The wire body asking to count {@code request}'s input. */
    ObjectNode body(ChatRequest request, CallContext context);

    /** The POST on {@code client} to the provider's counting endpoint, with the key. */
    Http1ClientRequest request(Http1Client client, ApiKey key, CallContext context);

    /**
     * The input tokens of a successful answer.
     *
     * @throws WireFormatException when the answer holds no count
     */
    int inputTokens(HttpReply reply);
}
