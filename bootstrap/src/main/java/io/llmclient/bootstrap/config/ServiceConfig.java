package io.llmclient.bootstrap.config;

import io.llmclient.application.provider.ApiKey;
import io.llmclient.application.provider.ProviderSettings;
import io.llmclient.application.state.StateFailureMode;
import io.llmclient.domain.catalog.ModelCatalog;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.Complexity;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.governance.AllowList;
import io.llmclient.domain.selection.ModelPolicy;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Every setting of the service, read and validated once at start-up ({@link ServiceConfigReader}).
 * Immutable; nothing below bootstrap reads the environment, it is handed what it needs from here.
 * {@code providers} holds the settings of every provider module, read as its description says;
 * {@code offlineFallback} is whether the offline stand-in (the simulator) is switched on.
 */
public record ServiceConfig(
        ServerSettings server,
        Map<ProviderId, ProviderSettings> providers,
        Governance governance,
        RetrySettings retry,
        RateLimitSettings rateLimit,
        CircuitSettings circuit,
        boolean offlineFallback,
        Limits limits,
        Path auditLogFile,
        InboundAuth inboundAuth,
        PolicySettings policy,
        Protection protection,
        SharedState state) {

    public ServiceConfig {
        Objects.requireNonNull(server, "server");
        providers = Map.copyOf(providers);
        Objects.requireNonNull(governance, "governance");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(rateLimit, "rateLimit");
        Objects.requireNonNull(circuit, "circuit");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(auditLogFile, "auditLogFile");
        Objects.requireNonNull(inboundAuth, "inboundAuth");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(protection, "protection");
        Objects.requireNonNull(state, "state");
    }

    /**
     * Where limits, spend and provider health live (contract section 11): {@code url} is
     * {@code LLM_STATE_URL} (absent: in process), checked when the store is built; every key starts
     * with {@code prefix}; a call slower than {@code timeout} is a failure; {@code failureMode} says
     * what happens then; {@code trustedCas} ({@code LLM_STATE_CA_FILE}) replace the JDK's CAs for
     * {@code rediss://} when given.
     */
    public record SharedState(Optional<String> url, String prefix, Duration timeout, StateFailureMode failureMode,
                              List<X509Certificate> trustedCas) {
        public SharedState {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(prefix, "prefix");
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(failureMode, "failureMode");
            trustedCas = List.copyOf(trustedCas);
        }

        /** No {@code LLM_STATE_URL}: everything in process. */
        public static SharedState inProcess() {
            return new SharedState(Optional.empty(), "llm:", Duration.ofMillis(50), StateFailureMode.OPEN, List.of());
        }
    }

    /** Where the HTTP server listens; port 0 binds any free port. */
    public record ServerSettings(String host, int port) {
        public ServerSettings {
            Objects.requireNonNull(host, "host");
        }
    }

    /** {@code ALLOWED_MODELS} and {@code LLM_DEFAULT_MODEL}. */
    public record Governance(List<String> allowedModels, String defaultModel) {
        public Governance {
            allowedModels = List.copyOf(allowedModels);
            Objects.requireNonNull(defaultModel, "defaultModel");
        }
    }

    /** Retries of transient and rate-limit failures, with exponential back-off. */
    public record RetrySettings(int maxRetries, int rateLimitMaxRetries, Duration initialDelay,
                                double exponentialBase, Duration maxDelay) {
        public RetrySettings {
            Objects.requireNonNull(initialDelay, "initialDelay");
            Objects.requireNonNull(maxDelay, "maxDelay");
        }
    }

    /** Requests allowed to wait for a rate-limited provider; one more is refused at once. */
    public record RateLimitSettings(int queueSize) {
    }

    /** When a provider's circuit opens and how long it stays open before one probe. */
    public record CircuitSettings(int failureThreshold, Duration openFor) {
        public CircuitSettings {
            Objects.requireNonNull(openFor, "openFor");
        }
    }

    /**
     * Inbound limits: bodies above {@code maxRequestBytes} get HTTP 413; a stream whose client
     * leaves a write blocked for {@code streamWriteLimit} (the request timeout) is cut off; a
     * request with more than {@code maxMessages} messages is InvalidParams; request headers over
     * {@code maxHeaderBytes} in all are refused by the server; one request more than
     * {@code maxConcurrentRequests} in flight gets 503.
     */
    public record Limits(long maxRequestBytes, Duration streamWriteLimit, int maxMessages, int maxHeaderBytes,
                         int maxConcurrentRequests) {
        /** {@code LLM_MAX_HEADER_BYTES} when unset: Helidon's own default, made explicit. */
        public static final int DEFAULT_MAX_HEADER_BYTES = 16_384;
        /** {@code LLM_MAX_CONCURRENT_REQUESTS} when unset. */
        public static final int DEFAULT_MAX_CONCURRENT_REQUESTS = 512;

        public Limits {
            Objects.requireNonNull(streamWriteLimit, "streamWriteLimit");
        }
    }

    /**
     * What keeps one client, or a deploy, from taking the service down (docs/decisions.md, 'Slow
     * and idle clients'; docs/security.md "Defaults against abuse"): at most
     * {@code maxConnections} open client connections ({@code LLM_MAX_CONNECTIONS}, default derived
     * from the descriptor limit); a
     * connection without a request for {@code idleConnectionTimeout} is closed; a request's headers
     * and body must arrive within {@code requestReadTimeout} of its first line; the bodies being
     * read hold at most {@code bodyBufferBytes} in all, and the upstream answers being buffered at
     * most {@code responseBufferBytes}; streams send a keep-alive every {@code sseKeepAlive}; on
     * SIGTERM in-flight work gets {@code shutdownGrace} to finish.
     */
    public record Protection(int maxConnections, Duration idleConnectionTimeout, Duration requestReadTimeout,
                             long bodyBufferBytes, long responseBufferBytes, Duration sseKeepAlive,
                             Duration shutdownGrace) {
        public Protection {
            Objects.requireNonNull(idleConnectionTimeout, "idleConnectionTimeout");
            Objects.requireNonNull(requestReadTimeout, "requestReadTimeout");
            Objects.requireNonNull(sseKeepAlive, "sseKeepAlive");
            Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        }
    }

    /** Keys callers must present as {@code Authorization: Bearer}; none means no inbound auth. */
    public record InboundAuth(List<ApiKey> keys) {
        public InboundAuth {
            keys = List.copyOf(keys);
        }

        public boolean required() {
            return !keys.isEmpty();
        }
    }

    /** The model catalog, tier candidates, complexity map and provider preference from YAML. */
    public record PolicySettings(List<ModelEntry> catalog, Map<ModelTier, List<String>> tiers,
                                 Map<Complexity, ModelTier> complexity, List<ProviderId> providerPreference) {
        public PolicySettings {
            catalog = List.copyOf(catalog);
            tiers = Map.copyOf(tiers);
            complexity = Map.copyOf(complexity);
            providerPreference = List.copyOf(providerPreference);
        }
    }

    /** The settings a provider module is built with; a disabled, keyless entry for an unknown id. */
    public ProviderSettings providerSettings(ProviderId id) {
        ProviderSettings known = providers.get(id);
        if (known != null) {
            return known;
        }
        ProviderSettings any = providers.values().iterator().next();
        return new ProviderSettings(id, false, Optional.empty(), Optional.empty(), any.connectTimeout(),
                any.requestTimeout(), Map.of());
    }

    /** The domain policy as configured, before the simulator and provider availability are applied. */
    public ModelPolicy modelPolicy() {
        return new ModelPolicy(new ModelCatalog(policy.catalog()), new AllowList(governance.allowedModels()),
                policy.tiers(), policy.complexity(), policy.providerPreference(), governance.defaultModel());
    }
}
