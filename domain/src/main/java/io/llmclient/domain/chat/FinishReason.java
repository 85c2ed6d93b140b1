package io.llmclient.domain.chat;

import java.util.Locale;

/** Why generation ended, normalised across providers to the contract's five values. */
public enum FinishReason {
    STOP, LENGTH, CONTENT_FILTER, TOOL_CALLS, ERROR;

    /** The lower-case name used in results. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
