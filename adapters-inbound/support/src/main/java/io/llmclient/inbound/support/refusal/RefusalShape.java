package io.llmclient.inbound.support.refusal;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One inbound surface's error shape for the refusals made before its handler runs: a JSON-RPC
 * error with id null, an OpenAI error object, and so on. Each surface module implements it once;
 * bootstrap tells {@link SurfaceRefusals} which paths are whose, so the shared filters know no
 * surface.
 */
public interface RefusalShape {
    /** The body of {@code refusal}, carrying {@code traceId} where the shape has a place for it. */
    JsonNode body(Refusal refusal, String traceId);
}
