package io.llmclient.application.archfixture;

import org.yaml.snakeyaml.Yaml;

/** Breaks "application depends on domain and the JDK only" with a library no other rule names. */
public final class ApplicationReadsYaml {
    private ApplicationReadsYaml() {
    }

    public static Object read(String yaml) {
        return new Yaml().load(yaml);
    }
}
