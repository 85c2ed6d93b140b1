package io.llmclient.bootstrap.config;

import io.helidon.config.Config;
import io.llmclient.application.provider.ApiKey;
import io.llmclient.application.provider.ProviderDescription.Activation;
import io.llmclient.application.provider.ProviderDescription;
import io.llmclient.application.provider.ProviderSettings;
import io.llmclient.application.provider.Transport;
import io.llmclient.application.state.StateFailureMode;
import io.llmclient.bootstrap.config.ServiceConfig.CircuitSettings;
import io.llmclient.bootstrap.config.ServiceConfig.Governance;
import io.llmclient.bootstrap.config.ServiceConfig.InboundAuth;
import io.llmclient.bootstrap.config.ServiceConfig.Limits;
import io.llmclient.bootstrap.config.ServiceConfig.PolicySettings;
import io.llmclient.bootstrap.config.ServiceConfig.Protection;
import io.llmclient.bootstrap.config.ServiceConfig.RateLimitSettings;
import io.llmclient.bootstrap.config.ServiceConfig.RetrySettings;
import io.llmclient.bootstrap.config.ServiceConfig.ServerSettings;
import io.llmclient.bootstrap.config.ServiceConfig.SharedState;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.validation.RequestLimits;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the layered {@link Config} into a {@link ServiceConfig}, checking every rule of
 * contract section 2 (and section 9's circuit and inbound-auth keys) on the way. The first
 * broken value stops reading with an {@link InvalidConfigException}.
 */
public final class ServiceConfigReader {
    static final String DEFAULT_ALLOWED_MODELS =
            "gpt-4.1-mini,gpt-5-mini,claude-3-5-haiku-20241022,gemini-1.5-flash";

    /** {@code LLM_STATE_URL}: where the shared state lives; its password is a secret. */
    public static final String STATE_URL = "LLM_STATE_URL";
    static final String STATE_PREFIX = "LLM_STATE_PREFIX";
    static final String STATE_FAILURE_MODE = "LLM_STATE_FAILURE_MODE";
    static final String STATE_CA_FILE = "LLM_STATE_CA_FILE";

    private ServiceConfigReader() {
    }

    /**
     * Reads the configuration. {@code descriptions} describe the provider modules found on the class
     * path: each one's settings are read from the variables its description names.
     */
    public static ServiceConfig read(Config config, Path workingDir, Collection<ProviderDescription> descriptions) {
        var values = new Values(config);
        PolicySettings policy = PolicyReader.read(config.get("llm"));

        Duration connectTimeout = values.seconds("LLM_CONNECT_TIMEOUT", true, 10.0);
        Duration requestTimeout = values.seconds("LLM_REQUEST_TIMEOUT", true, 60.0);
        Transport transport = transport(values, workingDir);

        Map<ProviderId, ProviderSettings> providers =
                new ProviderSettingsReader(values, transport, connectTimeout, requestTimeout).read(descriptions);

        return new ServiceConfig(
                new ServerSettings(values.host("SERVER_HOST", "127.0.0.1"), values.port("SERVER_PORT", 8080)),
                providers,
                new Governance(values.list("ALLOWED_MODELS").orElse(List.of(DEFAULT_ALLOWED_MODELS.split(","))),
                        values.string("LLM_DEFAULT_MODEL", "gpt-4.1-mini")),
                new RetrySettings(
                        values.atLeast("LLM_MAX_RETRIES", 0, 3),
                        values.atLeast("LLM_RATE_LIMIT_MAX_RETRIES", 0, 5),
                        values.seconds("LLM_RETRY_INITIAL_DELAY", false, 1.0),
                        values.atLeast("LLM_RETRY_EXPONENTIAL_BASE", 1.0, 2.0),
                        values.seconds("LLM_RETRY_MAX_DELAY", false, 32.0)),
                new RateLimitSettings(values.atLeast("LLM_RATE_LIMIT_QUEUE_SIZE", 0, 100)),
                new CircuitSettings(
                        values.atLeast("LLM_CIRCUIT_FAILURE_THRESHOLD", 1, 5),
                        values.seconds("LLM_CIRCUIT_OPEN_SECONDS", true, 30.0)),
                offlineFallbackEnabled(descriptions, providers),
                new Limits(values.positiveLong("LLM_MAX_REQUEST_BYTES", 1_048_576L), requestTimeout,
                        values.atLeast("LLM_MAX_MESSAGES", 1, RequestLimits.DEFAULT_MAX_MESSAGES),
                        values.atLeast("LLM_MAX_HEADER_BYTES", 1024, Limits.DEFAULT_MAX_HEADER_BYTES),
                        values.atLeast("LLM_MAX_CONCURRENT_REQUESTS", 1, Limits.DEFAULT_MAX_CONCURRENT_REQUESTS)),
                path(values, workingDir, "LLM_AUDIT_LOG_FILE", "logs/governance-audit.jsonl"),
                new InboundAuth(values.list("LLM_INBOUND_API_KEYS").orElse(List.of()).stream()
                        .map(ApiKey::new).toList()),
                policy,
                protection(values, ResourceLimits.current()),
                sharedState(values, workingDir));
    }

    /** {@code LLM_STATE_*} (contract section 11); the URL itself is checked when the store is built. */
    static SharedState sharedState(Values values, Path workingDir) {
        String prefix = values.string(STATE_PREFIX, "llm:");
        if (prefix.isBlank()) {
            throw InvalidConfigException.of(STATE_PREFIX, "must not be empty: every key starts with it", prefix);
        }
        String mode = values.string(STATE_FAILURE_MODE, "open");
        StateFailureMode failureMode = StateFailureMode.fromWire(mode.strip().toLowerCase(java.util.Locale.ROOT))
                .orElseThrow(() -> InvalidConfigException.of(STATE_FAILURE_MODE, "must be open or closed", mode));
        List<X509Certificate> cas = values.raw(STATE_CA_FILE)
                .map(file -> TrustStoreReader.readPem(STATE_CA_FILE, resolve(workingDir, STATE_CA_FILE, file)))
                .orElse(List.of());
        return new SharedState(values.raw(STATE_URL).map(String::strip).filter(url -> !url.isEmpty()), prefix,
                values.seconds("LLM_STATE_TIMEOUT", true, 0.05), failureMode, cas);
    }

    /** Whether a provider switched on as the offline fallback (the simulator) is on. */
    private static boolean offlineFallbackEnabled(Collection<ProviderDescription> descriptions,
                                                  Map<ProviderId, ProviderSettings> providers) {
        return descriptions.stream()
                .filter(description -> description.activation() instanceof Activation.OfflineFallback)
                .anyMatch(description -> providers.get(description.id()).enabled());
    }

    /**
     * The settings that protect the service from slow, idle and greedy clients (docs/decisions.md,
     * 'Slow and idle clients'); defaults that depend on the machine come from {@code machine}.
     */
    static Protection protection(Values values, ResourceLimits machine) {
        return new Protection(
                values.atLeast("LLM_MAX_CONNECTIONS", 1, machine.defaultMaxConnections()),
                values.seconds("LLM_IDLE_CONNECTION_TIMEOUT", true, 75.0),
                values.seconds("LLM_REQUEST_READ_TIMEOUT", true, 10.0),
                values.positiveLong("LLM_BODY_BUFFER_BYTES", machine.defaultBodyBufferBytes()),
                values.positiveLong("LLM_RESPONSE_BUFFER_BYTES", machine.defaultResponseBufferBytes()),
                values.seconds("LLM_SSE_KEEPALIVE", true, 15.0),
                values.seconds("LLM_SHUTDOWN_GRACE", false, 30.0));
    }

    /** Every secret value present in the sources, so that error lines can be scrubbed of them. */
    public static Set<String> secrets(Config config, Collection<ProviderDescription> providers) {
        var values = new Values(config);
        var secrets = new LinkedHashSet<String>();
        providers.forEach(provider -> provider.apiKeyVariable().flatMap(values::raw).ifPresent(secrets::add));
        values.list("LLM_INBOUND_API_KEYS").ifPresent(secrets::addAll);
        values.raw(TrustStoreReader.PASSWORD).ifPresent(secrets::add);
        values.raw(STATE_URL).flatMap(SecretScrubber::urlPassword).ifPresent(secrets::add);
        // A collector's token rides in the OTLP headers: each value is a secret.
        TracingReader.HEADER_KEYS.forEach(key -> values.list(key).ifPresent(entries -> entries.stream()
                .map(entry -> entry.substring(entry.indexOf('=') + 1).strip())
                .filter(value -> !value.isEmpty())
                .forEach(secrets::add)));
        return secrets;
    }

    /**
     * How providers reach their upstream: {@code LLM_TLS_TRUST_STORE} (with its type and
     * password), {@code LLM_ALLOW_INSECURE_HTTP}, {@code LLM_MAX_RESPONSE_BYTES}.
     */
    private static Transport transport(Values values, Path workingDir) {
        var trusted = values.raw(TrustStoreReader.STORE)
                .map(store -> TrustStoreReader.read(resolve(workingDir, TrustStoreReader.STORE, store),
                        values.string(TrustStoreReader.TYPE, "PKCS12"), values.raw(TrustStoreReader.PASSWORD)))
                .orElse(List.of());
        return new Transport(trusted, values.bool("LLM_ALLOW_INSECURE_HTTP").orElse(false),
                values.positiveLong("LLM_MAX_RESPONSE_BYTES", Transport.DEFAULT_MAX_RESPONSE_BYTES));
    }

    private static Path resolve(Path workingDir, String key, String value) {
        try {
            return workingDir.resolve(value).normalize();
        } catch (InvalidPathException e) {
            throw InvalidConfigException.of(key, "must be a file path", value);
        }
    }

    private static Path path(Values values, Path workingDir, String key, String fallback) {
        String value = values.string(key, fallback);
        if (value.strip().equals("-")) {
            // "-" is standard output (LLM_AUDIT_LOG_FILE=-), not a file named "-".
            return Path.of("-");
        }
        try {
            return workingDir.resolve(value).normalize();
        } catch (InvalidPathException e) {
            throw InvalidConfigException.of(key, "must be a file path", value);
        }
    }
}
