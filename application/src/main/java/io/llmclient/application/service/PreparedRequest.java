package io.llmclient.application.service;

import io.llmclient.application.accounting.RequestTimer;
import io.llmclient.application.governance.Ticket;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.ForwardedHeaders;
import io.llmclient.domain.governance.AllowList;
import java.time.Duration;
import java.util.Objects;

/**
 * A request that passed validation, governance and selection: everything that can refuse it
 * before a provider is called. Inbound adapters use the split to answer such refusals in
 * their ordinary error shape before a stream opens.
 *
 * @param timer  the request's time in the gateway, from its arrival; it goes with the request when
 *               it falls back to another model
 * @param ticket the caller's admission: its place in the in-flight count, settled when the call ends
 */
public record PreparedRequest(ChatRequest request, ModelEntry model, RequestTimer timer, Ticket ticket) {
    public PreparedRequest {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(timer, "timer");
        Objects.requireNonNull(ticket, "ticket");
    }

    /** The same request carrying headers for one provider's upstream ({@code anthropic-beta}). */
    public PreparedRequest withForwarded(ForwardedHeaders forwarded) {
        return new PreparedRequest(request.withForwarded(forwarded), model, timer, ticket);
    }

    /** The models the caller may call; a fallback stays among them. */
    public AllowList allowed() {
        return ticket.caller().principal().allowed();
    }

    /**
     * Gives back the caller's place in its in-flight count when the call never ran (its stream could
     * not be opened, say). Does nothing once the call has ended, so an inbound adapter may call it in
     * a {@code finally}.
     */
    public void release() {
        ticket.release();
    }

    /**
     * What the gateway itself has added to this request so far, the value of
     * {@code X-Gateway-Overhead-Ms}: see {@link RequestTimer}. Read when a stream's headers go out,
     * it is the delay the gateway added before the first byte.
     */
    public Duration overhead() {
        return timer.overhead();
    }
}
