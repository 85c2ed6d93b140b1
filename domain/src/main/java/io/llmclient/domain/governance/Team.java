package io.llmclient.domain.governance;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A team of keys: its model list narrows the allow-list of all its keys, and its limits and
 * budget are shared by them.
 */
public record Team(String id, Optional<List<String>> models, Limits limits) {
    public Team {
        Objects.requireNonNull(id, "id");
        models = models.map(List::copyOf);
        Objects.requireNonNull(limits, "limits");
    }
}
