package io.llmclient.application.service;

import io.llmclient.domain.catalog.ModelEntry;
import java.util.List;
import java.util.Objects;

/** The allowed models as {@code llm.models} and {@code /v1/models} show them. */
public record ModelListing(String defaultModel, List<Listed> models) {
    public ModelListing {
        Objects.requireNonNull(defaultModel, "defaultModel");
        models = List.copyOf(models);
    }

    /** One allowed model and whether its provider can take requests now. */
    public record Listed(ModelEntry model, boolean available) {
        public Listed {
            Objects.requireNonNull(model, "model");
        }
    }
}
