package io.llmclient.bootstrap.reload;

import io.helidon.config.Config;
import io.llmclient.application.governance.Governance;
import io.llmclient.application.provider.ApiKey;
import io.llmclient.application.provider.ProviderDescription;
import io.llmclient.bootstrap.config.ConfigLayers;
import io.llmclient.bootstrap.config.GovernanceReader;
import io.llmclient.bootstrap.config.InvalidConfigException;
import io.llmclient.bootstrap.config.SecretScrubber;
import io.llmclient.bootstrap.config.ServiceConfig;
import io.llmclient.bootstrap.config.ServiceConfigReader;
import io.llmclient.bootstrap.telemetry.HelidonMetrics;
import io.llmclient.domain.governance.GovernancePolicy;
import io.llmclient.domain.selection.ModelPolicy;
import io.llmclient.domain.validation.Validated;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One reload of the policy file (contract sections 10 and 14): the file's content is read as
 * start-up reads it, and its prices, teams and keys replace the running ones when they are valid.
 * Everything else in the file (catalog, tiers, flat settings) was fixed at start-up: a change
 * there is logged as needing a restart and not applied. An invalid file is refused with one log
 * line and the running policy stays. Spend and windows are kept per key and team id by the quota
 * state, so they survive the swap.
 */
public final class PolicyReload {
    static final String RESTART_NEEDED = ConfigLayers.CONFIG_FILE + ": changes outside llm.prices, llm.teams and "
            + "llm.keys need a restart; they are not applied";
    private static final List<String> RELOADED = List.of("llm.prices", "llm.teams", "llm.keys");
    private static final Logger LOG = LogManager.getLogger(PolicyReload.class);

    private final Map<String, String> environment;
    private final Path workingDir;
    private final List<ProviderDescription> providers;
    private final ServiceConfig running;
    private final Map<String, String> fixedAtStart;
    private final ModelPolicy policy;
    private final Governance governance;
    private final HelidonMetrics metrics;
    private final SecretScrubber secrets;

    /**
     * @param environment the environment the service started with
     * @param layers      the configuration the service started with, as read
     * @param running     the configuration the service started with, as checked
     * @param policy      the running model policy (its catalog and allow-list check the new prices and keys)
     * @param governance  where the running per-caller policy is swapped
     */
    public PolicyReload(Map<String, String> environment, Path workingDir, List<ProviderDescription> providers,
                        Config layers, ServiceConfig running, ModelPolicy policy, Governance governance, HelidonMetrics metrics,
                        SecretScrubber secrets) {
        this.environment = Map.copyOf(environment);
        this.workingDir = Objects.requireNonNull(workingDir, "workingDir");
        this.providers = List.copyOf(providers);
        this.running = Objects.requireNonNull(running, "running");
        this.fixedAtStart = outsideTheReload(layers);
        this.policy = Objects.requireNonNull(policy, "policy");
        this.governance = Objects.requireNonNull(governance, "governance");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.secrets = Objects.requireNonNull(secrets, "secrets");
    }

    /** Applies {@code content} as the new content of {@code file}, or refuses it; null: the file cannot be read. */
    void apply(Path file, byte[] content) {
        try {
            if (content == null) {
                reject(ConfigLayers.CONFIG_FILE + ": " + file + " cannot be read");
            } else {
                apply(file, new String(content, StandardCharsets.UTF_8));
            }
        } catch (RuntimeException unexpected) {
            reject("the file could not be checked (" + unexpected.getClass().getSimpleName() + ")");
        }
    }

    private void apply(Path file, String content) {
        if (content.isBlank()) {
            // An empty policy file is most likely one being written; it would also switch auth off.
            reject(ConfigLayers.CONFIG_FILE + ": " + file + " is empty");
            return;
        }
        Config layers;
        try {
            layers = ConfigLayers.load(environment, workingDir, content);
            // Checked as start-up checks it: a file that would refuse a restart is refused now.
            ServiceConfigReader.read(layers, workingDir, providers);
        } catch (InvalidConfigException e) {
            reject(secrets.scrub(e).getMessage());
            return;
        } catch (UncheckedIOException e) {
            reject(".env: cannot be read");
            return;
        }
        List<String> inboundKeys = running.inboundAuth().keys().stream().map(ApiKey::value).toList();
        switch (GovernanceReader.read(layers, policy.catalog(), policy.allowList(), inboundKeys)) {
            case Validated.Invalid<GovernancePolicy> invalid ->
                    reject(String.join("; ", GovernanceReader.lines(invalid.errors())));
            case Validated.Valid<GovernancePolicy> valid -> {
                // Compared as read, not as checked: defaults derived from the machine (free
                // descriptors) differ from one reading to the next.
                if (!outsideTheReload(layers).equals(fixedAtStart)) {
                    LOG.warn(RESTART_NEEDED);
                }
                governance.replace(valid.value());
                metrics.configReload("applied");
                metrics.exposeBudgets(governance);
                LOG.info(secrets.mask("policy reloaded from %s: %d keys, %d teams, %d prices".formatted(file,
                        count(layers, "llm.keys"), count(layers, "llm.teams"),
                        valid.value().prices().byModel().size())));
            }
        }
    }

    private void reject(String problems) {
        metrics.configReload("rejected");
        LOG.error(secrets.mask("policy reload rejected: " + problems + "; the running policy stays"));
    }

    // Every setting but llm.prices, llm.teams and llm.keys, by its full key ("llm.catalog.0.id").
    private static Map<String, String> outsideTheReload(Config layers) {
        return layers.asMap().orElse(Map.of()).entrySet().stream()
                .filter(setting -> RELOADED.stream().noneMatch(section -> setting.getKey().equals(section)
                        || setting.getKey().startsWith(section + ".")))
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private static int count(Config layers, String list) {
        return layers.get(list).asNodeList().map(List::size).orElse(0);
    }
}
