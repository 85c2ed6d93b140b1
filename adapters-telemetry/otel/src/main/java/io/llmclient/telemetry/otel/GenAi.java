package io.llmclient.telemetry.otel;

import io.llmclient.domain.chat.ProviderId;
import io.opentelemetry.api.common.AttributeKey;
import java.util.List;

/**
 * The attribute names and values the spans carry (contract sections 13 and 14): the OpenTelemetry
 * GenAI conventions' {@code gen_ai.*}, the gateway's own {@code llm.*}, and {@code error.type}.
 * One place, so that the names the tests and the docs read cannot drift from what is set.
 */
final class GenAi {
    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<List<String>> FINISH_REASONS = AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    static final AttributeKey<String> RESPONSE_ID = AttributeKey.stringKey("gen_ai.response.id");
    static final AttributeKey<String> CONVERSATION = AttributeKey.stringKey("gen_ai.conversation.id");
    static final AttributeKey<String> INPUT_MESSAGES = AttributeKey.stringKey("gen_ai.input.messages");
    static final AttributeKey<String> OUTPUT_MESSAGES = AttributeKey.stringKey("gen_ai.output.messages");
    static final AttributeKey<String> SOURCE_AGENT = AttributeKey.stringKey("llm.source_agent");
    static final AttributeKey<String> PRINCIPAL = AttributeKey.stringKey("llm.principal");
    static final AttributeKey<Double> COST_USD = AttributeKey.doubleKey("llm.cost_usd");
    static final AttributeKey<String> TRACE_ID = AttributeKey.stringKey("llm.trace_id");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    /** The one operation the gateway makes upstream. */
    static final String CHAT = "chat";

    private GenAi() {
    }

    /**
     * The conventions' name of a provider ({@code openai}, {@code anthropic}, {@code gcp.gemini});
     * any other provider (the simulator, a plug-in) by its own id.
     */
    static String providerName(ProviderId provider) {
        return switch (provider.value()) {
            case "gemini" -> "gcp.gemini";
            default -> provider.value();
        };
    }
}
