package io.llmclient.domain.governance;

import io.llmclient.domain.failure.LlmFailure.ModelNotAllowed;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * A list of the models that may be called: the service's ({@code ALLOWED_MODELS}), or one
 * principal's effective list (narrowed by its team and key). Selection consults it too, so no
 * route can reach a model that governance would refuse.
 */
public final class AllowList {
    private final LinkedHashSet<String> models;

    public AllowList(Collection<String> models) {
        this.models = new LinkedHashSet<>();
        for (String model : models) {
            String trimmed = model.strip();
            if (!trimmed.isEmpty()) {
                this.models.add(trimmed);
            }
        }
    }

    public boolean allows(String model) {
        return models.contains(model);
    }

    /** Empty when the model is allowed; otherwise the refusal the caller will see. */
    public Optional<ModelNotAllowed> check(String model) {
        return allows(model) ? Optional.empty() : Optional.of(new ModelNotAllowed(model, models()));
    }

    /** The allowed models in configuration order. */
    public List<String> models() {
        return List.copyOf(models);
    }

    /**
     * The models of this list that {@code narrower} also names, in this list's order; this list
     * itself when {@code narrower} is absent (an absent list narrows nothing).
     */
    public AllowList narrowedTo(Optional<? extends Collection<String>> narrower) {
        if (narrower.isEmpty()) {
            return this;
        }
        var kept = new ArrayList<String>();
        for (String model : models) {
            if (narrower.get().contains(model)) {
                kept.add(model);
            }
        }
        return new AllowList(kept);
    }

    /** This list plus {@code extra}, keeping order and dropping duplicates. */
    public AllowList plus(Collection<String> extra) {
        var all = new ArrayList<>(models);
        all.addAll(extra);
        return new AllowList(all);
    }
}
