package io.llmclient.jsonrpc.method;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmclient.application.service.ModelListing;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.inbound.support.body.JsonMoney;
import io.llmclient.inbound.support.tools.ToolCallJson;

/**
 * Domain results as the contract's JSON result shapes (section 4, and section 9 for
 * provider_model; {@code tool_calls} in docs/tool-calling.md).
 */
public final class ResultMapping {
    private ResultMapping() {
    }

    /** The {@code llm.complete} result. */
    public static ObjectNode completion(ChatResponse response, JsonNodeFactory nodes) {
        ObjectNode result = nodes.objectNode();
        result.put("id", response.id());
        result.put("model", response.model());
        result.put("provider", response.provider().value());
        result.put("provider_model", response.providerModel());
        result.put("content", response.content());
        // Only when there are calls: a text answer keeps the exact shape it had before tool calling.
        if (!response.toolCalls().isEmpty()) {
            result.set("tool_calls", ToolCallJson.calls(response.toolCalls(), nodes));
        }
        result.put("finish_reason", response.finishReason().wireName());
        ObjectNode usage = result.putObject("usage");
        usage.put("prompt_tokens", response.usage().promptTokens());
        usage.put("completion_tokens", response.usage().completionTokens());
        usage.put("total_tokens", response.usage().totalTokens());
        result.put("trace_id", response.traceId());
        result.put("latency_ms", response.latency().toMillis());
        // Absent when the model has no price (contract section 10); exact, from whole nano-dollars.
        response.cost().ifPresent(cost -> result.set("cost_usd", JsonMoney.of(cost)));
        return result;
    }

    /** The {@code llm.models} result. */
    public static ObjectNode models(ModelListing listing, JsonNodeFactory nodes) {
        ObjectNode result = nodes.objectNode();
        result.put("default_model", listing.defaultModel());
        ArrayNode models = result.putArray("models");
        for (ModelListing.Listed listed : listing.models()) {
            ObjectNode entry = models.addObject();
            entry.put("id", listed.model().id());
            entry.put("provider", listed.model().provider().value());
            entry.put("tier", listed.model().tier().wireName());
            entry.put("available", listed.available());
        }
        return result;
    }
}
