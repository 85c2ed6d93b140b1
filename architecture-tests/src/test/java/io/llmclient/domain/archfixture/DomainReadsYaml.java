package io.llmclient.domain.archfixture;

import org.yaml.snakeyaml.Yaml;

/** Breaks "domain depends on the JDK only" with a library no other rule names (SnakeYAML). */
public final class DomainReadsYaml {
    private DomainReadsYaml() {
    }

    public static Object read(String yaml) {
        return new Yaml().load(yaml);
    }
}
