package io.llmclient.provider.simulator;

import io.llmclient.application.provider.LlmProvider;
import io.llmclient.application.provider.LlmProviderFactory;
import io.llmclient.application.provider.ProviderDescription;
import io.llmclient.application.provider.ProviderDescription.Activation;
import io.llmclient.application.provider.ProviderDescription.Option;
import io.llmclient.application.provider.ProviderSettings;
import io.llmclient.domain.chat.ProviderId;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Registers the offline simulator. Options: {@code ttft_ms} (time to first token) and
 * {@code inter_token_ms} (gap between tokens), both whole milliseconds, default 0, read from
 * {@code LLM_SIMULATOR_TTFT_MS} and {@code LLM_SIMULATOR_INTER_TOKEN_MS}. It is the offline
 * fallback: on by {@code LLM_SIMULATOR_ENABLED}, or when no provider key is set.
 */
public final class SimulatorProviderFactory implements LlmProviderFactory {
    static final String TTFT_OPTION = "ttft_ms";
    static final String INTER_TOKEN_OPTION = "inter_token_ms";

    @Override
    public ProviderId id() {
        return ProviderId.SIMULATOR;
    }

    @Override
    public ProviderDescription description() {
        return new ProviderDescription(ProviderId.SIMULATOR, Optional.empty(), Optional.empty(), Optional.empty(),
                new Activation.OfflineFallback("LLM_SIMULATOR_ENABLED"), List.of(
                        new Option(TTFT_OPTION, "LLM_SIMULATOR_TTFT_MS", 0, 0),
                        new Option(INTER_TOKEN_OPTION, "LLM_SIMULATOR_INTER_TOKEN_MS", 0, 0)));
    }

    @Override
    public LlmProvider create(ProviderSettings settings) {
        var pacing = new Pacing(millis(settings, TTFT_OPTION), millis(settings, INTER_TOKEN_OPTION));
        return new SimulatorProvider(settings.enabled(), pacing, Thread::sleep);
    }

    private static Duration millis(ProviderSettings settings, String option) {
        long value = settings.option(option).map(Long::parseLong).orElse(0L);
        if (value < 0) {
            throw new IllegalArgumentException("simulator option " + option + " must be >= 0, got " + value);
        }
        return Duration.ofMillis(value);
    }
}
