package io.llmclient.inbound.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.helidon.http.Status;
import io.llmclient.inbound.support.refusal.Refusal;
import io.llmclient.inbound.support.refusal.RefusalShape;
import java.util.Optional;

/**
 * The OpenAI-compatible surface's shape of the refusals made before its handler runs (contract
 * section 14): OpenAI's error object. Bootstrap also gives it to every path no surface owns, as
 * unknown routes have always been answered in OpenAI's shape.
 */
public final class OpenAiRefusals implements RefusalShape {

    /** The OpenAI error of {@code refusal}. */
    public static OpenAiError error(Refusal refusal) {
        return switch (refusal) {
            case Refusal.Unauthorized unauthorized -> OpenAiErrors.invalidApiKey(unauthorized.message());
            case Refusal.TooLarge tooLarge -> OpenAiErrors.tooLarge(tooLarge.limit());
            case Refusal.MalformedBody ignored -> OpenAiErrors.malformedBody();
            case Refusal.TimedOut timedOut -> new OpenAiError(Status.REQUEST_TIMEOUT_408, timedOut.message(),
                    OpenAiErrors.INVALID_REQUEST, Optional.empty(), "request_timeout", Optional.empty());
            case Refusal.BodyBudgetFull full -> OpenAiErrors.overloaded(full.message());
            case Refusal.InFlightLimit limit -> OpenAiErrors.overloaded(limit.message());
            case Refusal.Draining draining -> OpenAiErrors.overloaded(draining.message());
        };
    }

    @Override
    public JsonNode body(Refusal refusal, String traceId) {
        return error(refusal).body(JsonNodeFactory.instance);
    }
}
