package io.llmclient.domain.failure;

import java.util.Objects;

/** One broken input field: a path such as {@code messages[0].role} and what is wrong with it. */
public record FieldError(String field, String message) {
    public FieldError {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }
}
