package io.llmclient.domain.chat;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Headers a caller asked to reach one provider's upstream unchanged, such as
 * {@code anthropic-beta} sent to the Anthropic surface. They go to {@code provider} only: a request
 * the gateway routes to another provider drops them, since they mean nothing there.
 *
 * @param provider the provider whose upstream receives them; empty for {@link #NONE}
 * @param headers  lower-case header names to values
 */
public record ForwardedHeaders(Optional<ProviderId> provider, Map<String, String> headers) {
    /** Nothing to forward. */
    public static final ForwardedHeaders NONE = new ForwardedHeaders(Optional.empty(), Map.of());

    public ForwardedHeaders {
        Objects.requireNonNull(provider, "provider");
        headers = Map.copyOf(headers);
        if (provider.isEmpty() && !headers.isEmpty()) {
            throw new IllegalArgumentException("forwarded headers name the provider they go to");
        }
    }

    /** {@code headers} for {@code provider}'s upstream. */
    public static ForwardedHeaders to(ProviderId provider, Map<String, String> headers) {
        return headers.isEmpty() ? NONE : new ForwardedHeaders(Optional.of(provider), headers);
    }

    /** The headers {@code receiver} should send: these when it is their provider, else none. */
    public Map<String, String> forProvider(ProviderId receiver) {
        return provider.filter(receiver::equals).isPresent() ? headers : Map.of();
    }
}
