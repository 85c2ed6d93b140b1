package io.llmclient.domain.governance;

import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.money.NanoUsd;
import java.util.Objects;
import java.util.Optional;

/**
 * What one catalog model costs, each rate in USD per million tokens held as nano-dollars per
 * million tokens (so {@code 0.40} is 400,000,000). {@code cachedInput} prices prompt tokens read
 * from the provider's cache and {@code cacheWrite} those written to it; each absent rate falls
 * back to {@code input} (contract sections 10 and 14).
 */
public record Price(long input, long output, Optional<Long> cachedInput, Optional<Long> cacheWrite) {
    private static final long MILLION = 1_000_000L;

    public Price {
        Objects.requireNonNull(cachedInput, "cachedInput");
        Objects.requireNonNull(cacheWrite, "cacheWrite");
        if (input < 0 || output < 0 || cachedInput.orElse(0L) < 0 || cacheWrite.orElse(0L) < 0) {
            throw new IllegalArgumentException("prices must be >= 0");
        }
    }

    /**
     * The cost of one call's usage, rounded half up to whole nano-dollars once per call:
     * uncached prompt tokens at {@code input}, cache reads at {@code cached-input}, cache writes at
     * {@code cache-write}, completion tokens at {@code output}. Cache reads are counted only when
     * {@code cached-input} is configured; otherwise {@code input} applies to them.
     */
    public NanoUsd cost(Usage usage) {
        long reads = cachedInput.isPresent() ? usage.cachedReadTokens() : 0;
        long writes = usage.cacheWriteTokens();
        long uncached = Math.max(0, usage.promptTokens() - reads - writes);
        // Rates are split into whole dollars-per-token parts and remainders, so that no product
        // overflows a long whatever the counts (at most 2^31 tokens, rates at most 10^15).
        var sum = new ExactSum();
        sum.add(uncached, input);
        sum.add(reads, cachedInput.orElse(input));
        sum.add(writes, cacheWrite.orElse(input));
        sum.add(usage.completionTokens(), output);
        return sum.rounded();
    }

    private static final class ExactSum {
        private long whole;
        private long remainder;

        void add(long tokens, long ratePerMillion) {
            whole += tokens * (ratePerMillion / MILLION);
            remainder += tokens * (ratePerMillion % MILLION);
        }

        NanoUsd rounded() {
            return new NanoUsd(whole + remainder / MILLION + (remainder % MILLION >= MILLION / 2 ? 1 : 0));
        }
    }
}
