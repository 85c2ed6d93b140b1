package io.llmclient.inbound.support;

import io.helidon.webserver.http.HttpRouting;
import io.llmclient.application.governance.Governance;
import io.llmclient.inbound.support.auth.InboundAuthFilter;
import io.llmclient.inbound.support.body.BodyBudget;
import io.llmclient.inbound.support.admission.RequestBody;
import io.llmclient.inbound.support.admission.RequestBodyFilter;
import io.llmclient.inbound.support.drain.DrainFilter;
import io.llmclient.inbound.support.drain.Readiness;
import io.llmclient.inbound.support.admission.InFlightLimitFilter;
import io.llmclient.inbound.support.limit.RequestReadDeadline;
import io.llmclient.inbound.support.refusal.SurfaceRefusals;

/**
 * The filters every inbound surface sits behind, in the one order that holds: the trace id first
 * (every answer carries it, a refusal too), then the drain (a draining service refuses new work
 * before anything else is spent on it), then auth (a refused caller costs nothing more), then
 * the body read (bounded in size, time and memory), then the in-flight limit (so that only a
 * request whose body is in takes a slot). The surfaces' handlers take the body from
 * {@link io.llmclient.inbound.support.body.ReadBody#of}.
 */
public final class InboundFilters {
    private InboundFilters() {
    }

    /**
     * Adds the filters to {@code routing}.
     *
     * @param refusals     the surfaces' refusal shapes, by path; {@code inFlight} was built with the same
     * @param governance   who the keys belong to (configured keys and {@code LLM_INBOUND_API_KEYS})
     * @param readDeadline the deadline listener the server was built with
     */
    public static void install(HttpRouting.Builder routing, SurfaceRefusals refusals, Readiness readiness,
                               Governance governance, long maxRequestBytes, BodyBudget bodyBudget,
                               RequestReadDeadline readDeadline, InFlightLimitFilter inFlight) {
        routing.addFilter(new TraceIdFilter());
        routing.addFilter(new DrainFilter(readiness, refusals));
        // Always: a reload may turn auth on, and surfaces read the caller it puts in the context.
        routing.addFilter(new InboundAuthFilter(governance, refusals));
        routing.addFilter(new RequestBodyFilter(new RequestBody(maxRequestBytes, bodyBudget, refusals), readDeadline,
                refusals));
        routing.addFilter(inFlight);
    }
}
