package io.llmclient.inbound.support.refusal;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.Status;
import java.util.Map;

/**
 * One inbound surface's error shape for the refusals made before its handler runs: a JSON-RPC
 * error with id null, an OpenAI error object, and so on. Each surface module implements it once;
 * bootstrap tells {@link SurfaceRefusals} which paths are whose, so the shared filters know no
 * surface.
 */
public interface RefusalShape {
    /** The body of {@code refusal}, carrying {@code traceId} where the shape has a place for it. */
    JsonNode body(Refusal refusal, String traceId);

    /**
     * The status {@code refusal} goes out with on this surface: {@link Refusal#status()}, unless the
     * surface's own protocol names another (Anthropic's 529 for an overloaded service).
     */
    default Status status(Refusal refusal) {
        return refusal.status();
    }

    /** Headers this surface puts on every answer (Anthropic's {@code request-id}); none by default. */
    default Map<String, String> headers(String traceId) {
        return Map.of();
    }
}
