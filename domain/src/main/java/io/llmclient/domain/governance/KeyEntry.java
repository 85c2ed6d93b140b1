package io.llmclient.domain.governance;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One configured API key, known only by the SHA-256 digest of its bytes (the key itself is never
 * configured).
 *
 * @param id          public name: logs, audit, metrics, {@code llm.quota}
 * @param sha256      the digest, 64 lower-case hex characters
 * @param team        the team it belongs to
 * @param sourceAgent the only {@code source_agent} it may claim
 * @param models      narrows its team's (and the service's) allow-list
 * @param expiresAt   after this instant it is refused like an unknown key
 * @param disabled    refused like an unknown key
 */
public record KeyEntry(String id, String sha256, Optional<String> team, Optional<String> sourceAgent,
                       Optional<List<String>> models, Limits limits, Optional<Instant> expiresAt, boolean disabled) {
    public KeyEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(sourceAgent, "sourceAgent");
        models = models.map(List::copyOf);
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** Whether it may be used at {@code now}: not disabled and not expired. */
    public boolean usableAt(Instant now) {
        return !disabled && expiresAt.map(now::isBefore).orElse(true);
    }
}
