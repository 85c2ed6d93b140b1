package io.llmclient.application.provider;

import io.llmclient.domain.chat.ProviderId;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What a provider module tells bootstrap about its configuration: the variables holding its key,
 * base URL and options, the base URL it uses when none is set, and when it is switched on.
 * Bootstrap reads every provider's {@link ProviderSettings} from its description alone, so a new
 * provider brings its own configuration keys and no configuration code changes
 * (docs/decisions.md, "Providers describe themselves").
 *
 * @param apiKeyVariable  the variable holding the key; empty for a provider that needs none
 * @param baseUrlVariable the variable holding the base URL; empty for a provider without upstream
 * @param defaultBaseUrl  the base URL when the variable is unset; empty when there is none
 * @param options         whole-number options handed to the provider as {@link ProviderSettings#option}
 */
public record ProviderDescription(
        ProviderId id,
        Optional<String> apiKeyVariable,
        Optional<String> baseUrlVariable,
        Optional<URI> defaultBaseUrl,
        Activation activation,
        List<Option> options) {

    public ProviderDescription {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(apiKeyVariable, "apiKeyVariable");
        Objects.requireNonNull(baseUrlVariable, "baseUrlVariable");
        Objects.requireNonNull(defaultBaseUrl, "defaultBaseUrl");
        Objects.requireNonNull(activation, "activation");
        options = List.copyOf(options);
    }

    /**
     * The plug-in convention: {@code <PREFIX>_API_KEY} and {@code <PREFIX>_BASE_URL} (no default),
     * where the prefix is {@link #envPrefix}; switched on whenever present; no options.
     */
    public static ProviderDescription byConvention(ProviderId id) {
        String prefix = envPrefix(id);
        return new ProviderDescription(id, Optional.of(prefix + "_API_KEY"), Optional.of(prefix + "_BASE_URL"),
                Optional.empty(), new Activation.WhenPresent(false), List.of());
    }

    /**
     * The prefix of a provider's variables by convention: its id upper-cased with {@code -} as
     * {@code _}, so provider {@code my-llm} reads {@code MY_LLM_API_KEY} and {@code MY_LLM_BASE_URL}.
     */
    public static String envPrefix(ProviderId id) {
        return id.value().toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** The same description with its key in {@code variable} (Gemini's key is {@code GOOGLE_API_KEY}). */
    public ProviderDescription withApiKeyVariable(String variable) {
        return new ProviderDescription(id, Optional.of(variable), baseUrlVariable, defaultBaseUrl, activation,
                options);
    }

    /** The same description, talking to {@code url} when its base URL variable is unset. */
    public ProviderDescription withDefaultBaseUrl(URI url) {
        return new ProviderDescription(id, apiKeyVariable, baseUrlVariable, Optional.of(url), activation, options);
    }

    /** The same description, switched on as {@code activation} says. */
    public ProviderDescription withActivation(Activation activation) {
        return new ProviderDescription(id, apiKeyVariable, baseUrlVariable, defaultBaseUrl, activation, options);
    }

    /**
     * When a provider is switched on ({@link ProviderSettings#enabled}). A switched-on provider
     * without its key is still registered, and says it is unavailable.
     */
    public sealed interface Activation permits Activation.WhenPresent, Activation.OfflineFallback {

        /**
         * Switched on whenever its module is on the class path. {@code keyEndsOfflineFallback}:
         * whether its key, once set, keeps the offline fallback off unless that is switched on
         * explicitly (true for the contract's three providers, false for plug-ins, as today).
         */
        record WhenPresent(boolean keyEndsOfflineFallback) implements Activation {
        }

        /**
         * The offline stand-in (the simulator): switched on by {@code switchVariable} (true/false)
         * when set, otherwise exactly when no provider whose key ends the offline fallback has one.
         */
        record OfflineFallback(String switchVariable) implements Activation {
            public OfflineFallback {
                Objects.requireNonNull(switchVariable, "switchVariable");
            }
        }
    }

    /**
     * A whole-number option: read from {@code variable}, at least {@code minimum}, {@code whenUnset}
     * by default, and handed to the provider under {@code name}.
     */
    public record Option(String name, String variable, int minimum, int whenUnset) {
        public Option {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(variable, "variable");
            if (whenUnset < minimum) {
                throw new IllegalArgumentException("option " + name + ": default " + whenUnset + " is below "
                        + minimum);
            }
        }
    }
}
