package io.llmclient.bootstrap.telemetry;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a caller-supplied {@code source_agent} into a bounded {@code source_agent} label value.
 * Callers choose the name, so left alone it would let anyone create series at will. The value is
 * sanitised (letters, digits, {@code . _ : -}; anything else becomes {@code _}), cut to
 * {@value #MAX_LENGTH} characters, and only the first {@value #DEFAULT_CAP} distinct values since
 * start-up get a series of their own; later newcomers are labelled {@value #OTHER}. The audit
 * trail and the request log keep the name as sent.
 */
final class SourceAgentLabels {
    static final int MAX_LENGTH = 64;
    static final int DEFAULT_CAP = 100;
    static final String UNKNOWN = "unknown";
    static final String OTHER = "other";

    private final int cap;
    private final Set<String> admitted = ConcurrentHashMap.newKeySet();

    SourceAgentLabels(int cap) {
        if (cap < 0) {
            throw new IllegalArgumentException("cap must be >= 0: " + cap);
        }
        this.cap = cap;
    }

    /** The label value for an agent name as the caller sent it ({@code null} or blank: {@value #UNKNOWN}). */
    String label(String sourceAgent) {
        String clean = sanitised(sourceAgent);
        if (clean.equals(UNKNOWN) || clean.equals(OTHER) || admitted.contains(clean)) {
            return clean;
        }
        synchronized (admitted) {
            if (admitted.size() < cap) {
                admitted.add(clean);
                return clean;
            }
        }
        return OTHER;
    }

    static String sanitised(String sourceAgent) {
        if (sourceAgent == null || sourceAgent.isBlank()) {
            return UNKNOWN;
        }
        String trimmed = sourceAgent.strip();
        var clean = new StringBuilder(Math.min(trimmed.length(), MAX_LENGTH));
        for (int i = 0; i < trimmed.length() && clean.length() < MAX_LENGTH; i++) {
            char c = trimmed.charAt(i);
            boolean kept = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '-';
            clean.append(kept ? c : '_');
        }
        return clean.toString();
    }
}
