package io.llmclient.application.testing;

import io.llmclient.application.provider.ApiKey;
import io.llmclient.application.provider.ProviderSettings;
import io.llmclient.application.provider.Transport;
import io.llmclient.domain.chat.ProviderId;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Provider settings for tests, naming only what a test is about. Unset: enabled, no key, no
 * base URL (the provider's default), 10 s to connect, 60 s per request (the service's
 * defaults), no options, the default {@link Transport}.
 */
public final class ProviderSettingsFixtures {
    private ProviderSettingsFixtures() {
    }

    public static Builder builder(ProviderId id) {
        return new Builder(id);
    }

    /** Collects the settings of one provider; {@link #build()} runs the record's own checks. */
    public static final class Builder {
        private final ProviderId id;
        private boolean enabled = true;
        private Optional<ApiKey> apiKey = Optional.empty();
        private Optional<URI> baseUrl = Optional.empty();
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(60);
        private Map<String, String> options = Map.of();
        private Transport transport = Transport.defaults();

        private Builder(ProviderId id) {
            this.id = id;
        }

        public Builder enabled(boolean value) {
            this.enabled = value;
            return this;
        }

        public Builder apiKey(String value) {
            return apiKey(new ApiKey(value));
        }

        public Builder apiKey(ApiKey value) {
            return apiKey(Optional.of(value));
        }

        public Builder apiKey(Optional<ApiKey> value) {
            this.apiKey = value;
            return this;
        }

        public Builder baseUrl(String value) {
            return baseUrl(URI.create(value));
        }

        public Builder baseUrl(URI value) {
            return baseUrl(Optional.of(value));
        }

        public Builder baseUrl(Optional<URI> value) {
            this.baseUrl = value;
            return this;
        }

        public Builder connectTimeout(Duration value) {
            this.connectTimeout = value;
            return this;
        }

        public Builder requestTimeout(Duration value) {
            this.requestTimeout = value;
            return this;
        }

        /** Adds one provider-specific option. */
        public Builder option(String name, String value) {
            var next = new LinkedHashMap<>(options);
            next.put(name, value);
            options = next;
            return this;
        }

        /** Replaces the provider-specific options, handed to the record as given (it copies them itself). */
        public Builder options(Map<String, String> value) {
            options = value;
            return this;
        }

        public Builder transport(Transport value) {
            this.transport = value;
            return this;
        }

        public ProviderSettings build() {
            return new ProviderSettings(id, enabled, apiKey, baseUrl, connectTimeout, requestTimeout, options,
                    transport);
        }
    }
}
