package io.llmclient.application.provider;

import io.llmclient.domain.chat.ProviderId;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a provider factory is given to build its adapter: whether it is switched on, its key
 * and base URL when it has them, timeouts, provider-specific options (string values, read
 * by the adapter that owns them), and the {@link Transport} rules every HTTP adapter obeys.
 */
public record ProviderSettings(
        ProviderId id,
        boolean enabled,
        Optional<ApiKey> apiKey,
        Optional<URI> baseUrl,
        Duration connectTimeout,
        Duration requestTimeout,
        Map<String, String> options,
        Transport transport) {

    public ProviderSettings {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        options = Map.copyOf(options);
        Objects.requireNonNull(transport, "transport");
    }

    /** Settings with the default {@link Transport}: the JDK's CAs, HTTPS but to loopback, 32 MiB answers. */
    public ProviderSettings(ProviderId id, boolean enabled, Optional<ApiKey> apiKey, Optional<URI> baseUrl,
                            Duration connectTimeout, Duration requestTimeout, Map<String, String> options) {
        this(id, enabled, apiKey, baseUrl, connectTimeout, requestTimeout, options, Transport.defaults());
    }

    /** The same settings, buffering upstream answers within the service's one {@code budget}. */
    public ProviderSettings sharing(ResponseBudget budget) {
        return new ProviderSettings(id, enabled, apiKey, baseUrl, connectTimeout, requestTimeout, options,
                transport.sharing(budget));
    }

    /** A provider-specific option, if configured. */
    public Optional<String> option(String name) {
        return Optional.ofNullable(options.get(name));
    }
}
