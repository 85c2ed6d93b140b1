package io.llmclient.bootstrap.config;

import io.llmclient.application.provider.ApiKey;
import io.llmclient.application.provider.ProviderDescription;
import io.llmclient.application.provider.ProviderDescription.Activation;
import io.llmclient.application.provider.ProviderDescription.Option;
import io.llmclient.application.provider.ProviderSettings;
import io.llmclient.application.provider.Transport;
import io.llmclient.domain.chat.ProviderId;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads each provider's settings from the variables its module describes
 * ({@link ProviderDescription}): the key, the base URL (its default when unset), the options,
 * and whether it is switched on. Knows no provider by name.
 */
final class ProviderSettingsReader {
    private final Values values;
    private final Transport transport;
    private final Duration connectTimeout;
    private final Duration requestTimeout;

    ProviderSettingsReader(Values values, Transport transport, Duration connectTimeout, Duration requestTimeout) {
        this.values = values;
        this.transport = transport;
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
    }

    /** The settings of every described provider, in the order given; the first broken value stops reading. */
    Map<ProviderId, ProviderSettings> read(Collection<ProviderDescription> descriptions) {
        boolean onlineKeySet = descriptions.stream()
                .filter(description -> description.activation() instanceof Activation.WhenPresent present
                        && present.keyEndsOfflineFallback())
                .anyMatch(description -> apiKey(description).isPresent());
        var settings = new LinkedHashMap<ProviderId, ProviderSettings>();
        for (ProviderDescription description : descriptions) {
            settings.put(description.id(), read(description, onlineKeySet));
        }
        return settings;
    }

    private ProviderSettings read(ProviderDescription description, boolean onlineKeySet) {
        boolean enabled = switch (description.activation()) {
            case Activation.WhenPresent _ -> true;
            case Activation.OfflineFallback fallback -> values.bool(fallback.switchVariable()).orElse(!onlineKeySet);
        };
        var options = new LinkedHashMap<String, String>();
        for (Option option : description.options()) {
            options.put(option.name(),
                    Integer.toString(values.atLeast(option.variable(), option.minimum(), option.whenUnset())));
        }
        Optional<URI> baseUrl = description.baseUrlVariable().flatMap(this::baseUrl).or(description::defaultBaseUrl);
        return new ProviderSettings(description.id(), enabled, apiKey(description), baseUrl, connectTimeout,
                requestTimeout, options, transport);
    }

    private Optional<ApiKey> apiKey(ProviderDescription description) {
        return description.apiKeyVariable().flatMap(values::raw).map(ApiKey::new);
    }

    /** A base URL; plain http only to a loopback host unless {@code LLM_ALLOW_INSECURE_HTTP} is true. */
    private Optional<URI> baseUrl(String key) {
        Optional<URI> url = values.url(key);
        url.filter(uri -> !transport.permits(uri)).ifPresent(uri -> {
            throw InvalidConfigException.of(key, "plain http is allowed only to a loopback host: use https, or set "
                    + "LLM_ALLOW_INSECURE_HTTP=true", uri.toString());
        });
        return url;
    }
}
