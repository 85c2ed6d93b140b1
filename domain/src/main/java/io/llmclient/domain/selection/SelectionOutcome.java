package io.llmclient.domain.selection;

import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.failure.LlmFailure;
import java.util.Objects;

/** What selection decided, always with the rationale that is logged for it. */
public sealed interface SelectionOutcome {

    /** A one-line explanation of the decision, for the log. */
    String rationale();

    /** A model that governance allows and whose provider is available. */
    record Selected(ModelEntry model, String rationale) implements SelectionOutcome {
        public Selected {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(rationale, "rationale");
        }
    }

    /** No model can serve the request: it is not allowed, or nothing allowed is available. */
    record Refused(LlmFailure failure, String rationale) implements SelectionOutcome {
        public Refused {
            Objects.requireNonNull(failure, "failure");
            Objects.requireNonNull(rationale, "rationale");
        }
    }
}
