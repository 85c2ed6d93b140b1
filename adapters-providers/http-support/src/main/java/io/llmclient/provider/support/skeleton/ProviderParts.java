package io.llmclient.provider.support.skeleton;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.domain.chat.ProviderId;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a provider module supplies to {@link HttpProvider}: everything about its wire, nothing
 * about HTTP calls.
 *
 * @param id          the provider the failures and responses name
 * @param keyVariable the environment variable of its key, named when the key is missing
 * @param json        writes the request bodies
 * @param requests    domain request -> wire body, and the HTTP request that carries it
 * @param responses   a whole answer -> {@link Completion}
 * @param streams     a new decoder for each stream
 * @param errors      error answers -> failures
 * @param counting    the provider's own input-token count, when it has one
 */
public record ProviderParts(ProviderId id, String keyVariable, ObjectMapper json, RequestMapper requests,
                            ResponseMapper responses, Supplier<StreamDecoder> streams, ErrorMapper errors,
                            Optional<TokenCounting> counting) {
    public ProviderParts {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(keyVariable, "keyVariable");
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(requests, "requests");
        Objects.requireNonNull(responses, "responses");
        Objects.requireNonNull(streams, "streams");
        Objects.requireNonNull(errors, "errors");
        Objects.requireNonNull(counting, "counting");
    }

    /** The parts of a provider that cannot count tokens. */
    public ProviderParts(ProviderId id, String keyVariable, ObjectMapper json, RequestMapper requests,
                         ResponseMapper responses, Supplier<StreamDecoder> streams, ErrorMapper errors) {
        this(id, keyVariable, json, requests, responses, streams, errors, Optional.empty());
    }
}
