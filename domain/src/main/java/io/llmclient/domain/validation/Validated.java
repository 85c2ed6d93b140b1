package io.llmclient.domain.validation;

import io.llmclient.domain.failure.FieldError;
import java.util.List;
import java.util.Objects;

/** The outcome of validating input: a value, or every broken field at once. */
public sealed interface Validated<T> {

    /** Input was valid. */
    record Valid<T>(T value) implements Validated<T> {
        public Valid {
            Objects.requireNonNull(value, "value");
        }
    }

    /** Input was invalid; lists each broken field. */
    record Invalid<T>(List<FieldError> errors) implements Validated<T> {
        public Invalid {
            errors = List.copyOf(errors);
        }
    }
}
