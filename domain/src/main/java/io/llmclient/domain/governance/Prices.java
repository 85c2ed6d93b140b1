package io.llmclient.domain.governance;

import java.util.Map;
import java.util.Optional;

/** The prices of catalog models ({@code llm.prices}); a model without one has no cost. */
public record Prices(Map<String, Price> byModel) {
    /** No model priced. */
    public static final Prices NONE = new Prices(Map.of());

    public Prices {
        byModel = Map.copyOf(byModel);
    }

    /** The price of a catalog model, if configured. */
    public Optional<Price> of(String model) {
        return Optional.ofNullable(byModel.get(model));
    }
}
