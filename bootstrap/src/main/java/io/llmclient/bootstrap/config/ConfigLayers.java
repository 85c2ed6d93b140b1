package io.llmclient.bootstrap.config;

import io.helidon.common.media.type.MediaTypes;
import io.helidon.config.Config;
import io.helidon.config.ConfigException;
import io.helidon.config.ConfigSources;
import io.helidon.config.spi.ConfigSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Stacks the configuration sources, strongest first: environment variables, {@code .env} in
 * the working directory, the YAML file named by {@code LLM_CONFIG_FILE}, the bundled
 * {@code application.yaml}. A setting has one name in every source: its environment
 * variable name (a YAML file writes {@code SERVER_PORT: 8080} at top level); only the model
 * policy is structured, under {@code llm:}, and a list there is replaced whole by a stronger
 * source, never merged.
 */
public final class ConfigLayers {
    /** The key naming the optional YAML file. */
    public static final String CONFIG_FILE = "LLM_CONFIG_FILE";
    static final String BUNDLED = "application.yaml";

    // Only names that look like settings are taken from the environment: it also holds PATH,
    // lower-case proxies and whatever else the shell exports, none of which is ours.
    private static final Pattern SETTING_NAME = Pattern.compile("[A-Z][A-Z0-9_]*");

    private ConfigLayers() {
    }

    /** The layered configuration for this environment and working directory. */
    public static Config load(Map<String, String> environment, Path workingDir) {
        return load(environment, workingDir,
                path -> ConfigSources.file(path).mediaType(MediaTypes.APPLICATION_X_YAML));
    }

    /**
     * The layered configuration, with {@code fileContent} standing for the content of the file
     * named by {@code LLM_CONFIG_FILE}: a reload reads the file once and parses exactly what it
     * read, so a file rewritten again meanwhile is not read half-written.
     */
    public static Config load(Map<String, String> environment, Path workingDir, String fileContent) {
        return load(environment, workingDir,
                path -> ConfigSources.create(fileContent, MediaTypes.APPLICATION_X_YAML));
    }

    /**
     * The file {@code LLM_CONFIG_FILE} names (from the environment, else {@code .env}), resolved
     * against the working directory, whether or not it exists now.
     */
    public static Optional<Path> namedFile(Map<String, String> environment, Path workingDir) {
        Map<String, String> env = settingsOnly(environment);
        String named = env.getOrDefault(CONFIG_FILE, settingsOnly(DotEnvFile.read(workingDir)).get(CONFIG_FILE));
        if (named == null || named.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(workingDir.resolve(named.strip()));
    }

    private static Config load(Map<String, String> environment, Path workingDir,
                               Function<Path, Supplier<? extends ConfigSource>> fileSource) {
        Map<String, String> env = settingsOnly(environment);
        Map<String, String> dotEnv = settingsOnly(DotEnvFile.read(workingDir));
        List<Supplier<? extends ConfigSource>> sources = new ArrayList<>();
        sources.add(ConfigSources.create(env).name("environment variables"));
        sources.add(ConfigSources.create(dotEnv).name(".env"));
        Optional<Path> file = configFile(env, dotEnv, workingDir);
        file.ifPresent(path -> sources.add(fileSource.apply(path)));
        sources.add(ConfigSources.classpath(BUNDLED).mediaType(MediaTypes.APPLICATION_X_YAML));
        try {
            return Config.builder()
                    .disableEnvironmentVariablesSource()
                    .disableSystemPropertiesSource()
                    // ${...} in a value is kept as written: a key may contain it, and a failed
                    // expansion would quote the value in its error.
                    .disableValueResolving()
                    .disableKeyResolving()
                    .sources(sources)
                    .build();
        } catch (ConfigException e) {
            if (file.isEmpty()) {
                throw e;
            }
            throw InvalidConfigException.of(CONFIG_FILE, "must name a readable YAML file (it could not be parsed)");
        }
    }

    private static Optional<Path> configFile(Map<String, String> env, Map<String, String> dotEnv, Path workingDir) {
        String named = env.getOrDefault(CONFIG_FILE, dotEnv.get(CONFIG_FILE));
        if (named == null || named.isBlank()) {
            return Optional.empty();
        }
        Path file = workingDir.resolve(named.strip());
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw InvalidConfigException.of(CONFIG_FILE, "must name a readable YAML file", named);
        }
        return Optional.of(file);
    }

    private static Map<String, String> settingsOnly(Map<String, String> source) {
        return source.entrySet().stream()
                .filter(entry -> SETTING_NAME.matcher(entry.getKey()).matches())
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
    }
}
