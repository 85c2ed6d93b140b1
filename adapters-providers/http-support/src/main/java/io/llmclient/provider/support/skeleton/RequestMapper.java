package io.llmclient.provider.support.skeleton;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientRequest;
import io.llmclient.application.provider.ApiKey;
import io.llmclient.application.provider.CallContext;
import io.llmclient.domain.chat.ChatRequest;

/**
 * A provider's part of sending a call: the domain request as its wire JSON, and the HTTP request
 * that carries it (where it goes and the key header). {@link HttpProvider} writes the body and
 * {@link io.llmclient.provider.support.http.ProviderExchange} adds the rest: the content type,
 * the A2A headers and the connection.
 */
public interface RequestMapper {
    /**
     * The wire body for {@code request}, for a streamed or a whole answer. A request the provider
     * cannot serve is refused here, before anything is sent, with {@code InvalidParams} naming the field.
     */
    ObjectNode body(ChatRequest request, CallContext context, boolean stream);

    /**
     * The POST on {@code client} to the provider's endpoint for this call, with the key and the answer's
     * media type. HTTP/1.1 named, not discovered per request (docs/benchmarks/llm-performance.md, session 14).
     */
    Http1ClientRequest request(Http1Client client, ApiKey key, CallContext context, boolean stream);

    /** Where the requests go (never with the key), for the provider's description. */
    String endpoint();
}
