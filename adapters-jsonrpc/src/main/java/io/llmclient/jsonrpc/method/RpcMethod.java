package io.llmclient.jsonrpc.method;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * One JSON-RPC method: params in, result out. A refusal the contract names is thrown as
 * {@link io.llmclient.domain.failure.LlmFailureException}; anything else thrown is a bug
 * (-32603).
 */
@FunctionalInterface
public interface RpcMethod {

    /**
     * Runs the method. {@code params} is empty when the request had none; otherwise an object or
     * an array (the envelope has refused other types already).
     */
    JsonNode call(Optional<JsonNode> params, Inbound inbound);
}
