package io.llmclient.bootstrap.config;

import io.llmclient.application.provider.ProviderDescription;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;

/**
 * Every secret the configuration sources hold, gathered before the configuration is read, so
 * that whatever start-up prints (a refused value, a policy error, a warning) can be scrubbed of
 * them: provider keys (the variable each provider's description names, and any {@code *_API_KEY}), the
 * {@code LLM_INBOUND_API_KEYS} and the trust-store password, from the environment, {@code .env}
 * and the YAML file.
 */
public final class StartupSecrets {

    private StartupSecrets() {
    }

    /** A scrubber that knows every secret of the sources that can be read. */
    public static SecretScrubber scrubber(Map<String, String> environment, Path workingDir,
                                          Collection<ProviderDescription> providers) {
        var secrets = new LinkedHashSet<String>(SecretScrubber.secretsIn(environment));
        try {
            secrets.addAll(SecretScrubber.secretsIn(DotEnvFile.read(workingDir)));
            secrets.addAll(ServiceConfigReader.secrets(ConfigLayers.load(environment, workingDir), providers));
        } catch (RuntimeException unreadable) {
            // A source that cannot be read stops start-up when the configuration is read, with a
            // line that does not quote it; the secrets found before it still scrub that line.
        }
        return new SecretScrubber(secrets);
    }
}
