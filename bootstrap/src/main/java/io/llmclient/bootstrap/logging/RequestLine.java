package io.llmclient.bootstrap.logging;

import java.util.Objects;
import org.apache.logging.log4j.message.MapMessage;

/**
 * A log line with structured fields: the JSON layout renders the text as {@code message} and
 * each field as a top-level JSON property ({@code trace_id}, {@code latency_ms}, ...), numbers
 * as numbers. Only fields that are set appear.
 */
public final class RequestLine extends MapMessage<RequestLine, Object> {
    private static final long serialVersionUID = 1L;

    private final String text;

    public RequestLine(String text) {
        this.text = Objects.requireNonNull(text, "text");
    }

    /** Adds a field when the value is present; {@code null} leaves it out. */
    public RequestLine field(String name, Object value) {
        if (value != null) {
            with(name, value);
        }
        return this;
    }

    // The layout asks for the message text through these two; the fields travel separately.
    @Override
    public String getFormattedMessage() {
        return text;
    }

    @Override
    public void formatTo(StringBuilder buffer) {
        buffer.append(text);
    }
}
