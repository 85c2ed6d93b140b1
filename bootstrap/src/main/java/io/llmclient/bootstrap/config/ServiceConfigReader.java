package io.llmclient.bootstrap.config;

import io.helidon.config.Config;
import io.llmclient.application.provider.ApiKey;
import io.llmclient.application.provider.ProviderSettings;
import io.llmclient.application.provider.Transport;
import io.llmclient.bootstrap.config.ServiceConfig.CircuitSettings;
import io.llmclient.bootstrap.config.ServiceConfig.Governance;
import io.llmclient.bootstrap.config.ServiceConfig.InboundAuth;
import io.llmclient.bootstrap.config.ServiceConfig.Limits;
import io.llmclient.bootstrap.config.ServiceConfig.PolicySettings;
import io.llmclient.bootstrap.config.ServiceConfig.Protection;
import io.llmclient.bootstrap.config.ServiceConfig.RateLimitSettings;
import io.llmclient.bootstrap.config.ServiceConfig.RetrySettings;
import io.llmclient.bootstrap.config.ServiceConfig.ServerSettings;
import io.llmclient.bootstrap.config.ServiceConfig.SimulatorSettings;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.validation.RequestLimits;
import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the layered {@link Config} into a {@link ServiceConfig}, checking every rule of
 * contract section 2 (and section 9's circuit and inbound-auth keys) on the way. The first
 * broken value stops reading with an {@link InvalidConfigException}.
 */
public final class ServiceConfigReader {
    static final String DEFAULT_ALLOWED_MODELS =
            "gpt-4.1-mini,gpt-5-mini,claude-3-5-haiku-20241022,gemini-1.5-flash";

    private ServiceConfigReader() {
    }

    /**
     * Reads the configuration. {@code pluginProviders} are the ids of provider modules found on
     * the class path: each gets {@code <ID>_API_KEY} / {@code <ID>_BASE_URL} like the built-in three.
     */
    public static ServiceConfig read(Config config, Path workingDir, Collection<ProviderId> pluginProviders) {
        var values = new Values(config);
        PolicySettings policy = PolicyReader.read(config.get("llm"));

        Duration connectTimeout = values.seconds("LLM_CONNECT_TIMEOUT", true, 10.0);
        Duration requestTimeout = values.seconds("LLM_REQUEST_TIMEOUT", true, 60.0);
        Transport transport = transport(values, workingDir);

        var ids = new LinkedHashSet<ProviderId>(List.of(ProviderId.OPENAI, ProviderId.ANTHROPIC,
                ProviderId.GEMINI, ProviderId.SIMULATOR));
        policy.catalog().forEach(entry -> ids.add(entry.provider()));
        ids.addAll(pluginProviders);

        Optional<ApiKey> openAiKey = apiKey(values, "OPENAI_API_KEY");
        Optional<ApiKey> anthropicKey = apiKey(values, "ANTHROPIC_API_KEY");
        Optional<ApiKey> googleKey = apiKey(values, "GOOGLE_API_KEY");
        boolean anyProviderKey = openAiKey.isPresent() || anthropicKey.isPresent() || googleKey.isPresent();
        var simulator = new SimulatorSettings(
                values.bool("LLM_SIMULATOR_ENABLED").orElse(!anyProviderKey),
                Duration.ofMillis(values.atLeast("LLM_SIMULATOR_TTFT_MS", 0, 0)),
                Duration.ofMillis(values.atLeast("LLM_SIMULATOR_INTER_TOKEN_MS", 0, 0)));

        var providers = new LinkedHashMap<ProviderId, ProviderSettings>();
        for (ProviderId id : ids) {
            providers.put(id, switch (id.value()) {
                case "openai" -> keyed(id, openAiKey, baseUrl(values, "OPENAI_BASE_URL", transport)
                        .orElse(URI.create("https://api.openai.com/v1")), connectTimeout, requestTimeout, transport);
                case "anthropic" -> keyed(id, anthropicKey, baseUrl(values, "ANTHROPIC_BASE_URL", transport)
                        .orElse(URI.create("https://api.anthropic.com")), connectTimeout, requestTimeout, transport);
                case "gemini" -> keyed(id, googleKey, baseUrl(values, "GEMINI_BASE_URL", transport)
                        .orElse(URI.create("https://generativelanguage.googleapis.com")), connectTimeout,
                        requestTimeout, transport);
                case "simulator" -> new ProviderSettings(id, simulator.enabled(), Optional.empty(),
                        Optional.empty(), connectTimeout, requestTimeout, Map.of(
                        "ttft_ms", Long.toString(simulator.timeToFirstToken().toMillis()),
                        "inter_token_ms", Long.toString(simulator.interTokenDelay().toMillis())), transport);
                default -> {
                    String prefix = pluginPrefix(id);
                    yield new ProviderSettings(id, true, apiKey(values, prefix + "_API_KEY"),
                            baseUrl(values, prefix + "_BASE_URL", transport), connectTimeout, requestTimeout,
                            Map.of(), transport);
                }
            });
        }

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
                simulator,
                new Limits(values.positiveLong("LLM_MAX_REQUEST_BYTES", 1_048_576L), requestTimeout,
                        values.atLeast("LLM_MAX_MESSAGES", 1, RequestLimits.DEFAULT_MAX_MESSAGES),
                        values.atLeast("LLM_MAX_HEADER_BYTES", 1024, Limits.DEFAULT_MAX_HEADER_BYTES),
                        values.atLeast("LLM_MAX_CONCURRENT_REQUESTS", 1, Limits.DEFAULT_MAX_CONCURRENT_REQUESTS)),
                path(values, workingDir, "LLM_AUDIT_LOG_FILE", "logs/governance-audit.jsonl"),
                new InboundAuth(values.list("LLM_INBOUND_API_KEYS").orElse(List.of()).stream()
                        .map(ApiKey::new).toList()),
                policy,
                protection(values, ResourceLimits.current()));
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

    /**
     * The environment-variable prefix of a plug-in provider: its id upper-cased with {@code -}
     * as {@code _}, so provider {@code my-llm} reads {@code MY_LLM_API_KEY} and {@code MY_LLM_BASE_URL}.
     */
    public static String pluginPrefix(ProviderId id) {
        return id.value().toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** Every secret value present in the sources, so that error lines can be scrubbed of them. */
    public static Set<String> secrets(Config config, Collection<ProviderId> providers) {
        var values = new Values(config);
        var secrets = new LinkedHashSet<String>();
        List.of("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GOOGLE_API_KEY")
                .forEach(key -> values.raw(key).ifPresent(secrets::add));
        providers.forEach(id -> values.raw(pluginPrefix(id) + "_API_KEY").ifPresent(secrets::add));
        values.list("LLM_INBOUND_API_KEYS").ifPresent(secrets::addAll);
        values.raw(TrustStoreReader.PASSWORD).ifPresent(secrets::add);
        return secrets;
    }

    private static ProviderSettings keyed(ProviderId id, Optional<ApiKey> key, URI baseUrl,
                                          Duration connectTimeout, Duration requestTimeout, Transport transport) {
        return new ProviderSettings(id, true, key, Optional.of(baseUrl), connectTimeout, requestTimeout, Map.of(),
                transport);
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

    /** A base URL; plain http only to a loopback host unless {@code LLM_ALLOW_INSECURE_HTTP} is true. */
    private static Optional<URI> baseUrl(Values values, String key, Transport transport) {
        Optional<URI> url = values.url(key);
        url.filter(uri -> !transport.permits(uri)).ifPresent(uri -> {
            throw InvalidConfigException.of(key, "plain http is allowed only to a loopback host: use https, or set "
                    + "LLM_ALLOW_INSECURE_HTTP=true", uri.toString());
        });
        return url;
    }

    private static Path resolve(Path workingDir, String key, String value) {
        try {
            return workingDir.resolve(value).normalize();
        } catch (InvalidPathException e) {
            throw InvalidConfigException.of(key, "must be a file path", value);
        }
    }

    private static Optional<ApiKey> apiKey(Values values, String key) {
        return values.raw(key).map(ApiKey::new);
    }

    private static Path path(Values values, Path workingDir, String key, String fallback) {
        String value = values.string(key, fallback);
        try {
            return workingDir.resolve(value).normalize();
        } catch (InvalidPathException e) {
            throw InvalidConfigException.of(key, "must be a file path", value);
        }
    }
}
