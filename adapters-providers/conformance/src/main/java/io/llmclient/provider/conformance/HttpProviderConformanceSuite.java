package io.llmclient.provider.conformance;

import io.llmclient.application.provider.LlmProvider;
import io.llmclient.application.provider.LlmProviderFactory;
import io.llmclient.application.provider.ProviderSettings;
import io.llmclient.application.provider.ResponseBudget;
import io.llmclient.application.provider.Transport;
import io.llmclient.application.testing.ProviderSettingsFixtures;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;

/**
 * The suite for a provider that calls an HTTP upstream. Every provider under test is built by the
 * module's own factory, as the service builds it, from settings that point at the test's upstream
 * (WireMock, or a {@link StallingUpstream} once {@link #stallAfter} was called) and hold the
 * test's key; a stalled upstream is released after each test.
 */
public abstract class HttpProviderConformanceSuite extends ProviderConformanceSuite {
    /** The connect timeout of every provider under test: loopback connects at once. */
    protected static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    private StallingUpstream stalling;

    /** The module's factory. */
    protected abstract LlmProviderFactory factory();

    /** The key the provider sends; it must never come back in a failure. */
    protected abstract String key();

    /** The base URL of the staged upstream (WireMock), as an operator would configure it. */
    protected abstract URI upstream();

    @AfterEach
    void releaseTheStall() {
        if (stalling != null) {
            stalling.close();
        }
    }

    /** From now on, providers call an upstream that sends {@code firstBytes} of a stream and then stalls. */
    protected final void stallAfter(byte[] firstBytes) {
        stalling = new StallingUpstream(firstBytes);
    }

    @Override
    protected LlmProvider provider(Duration requestTimeout) {
        URI target = stalling != null ? stalling.baseUrl() : upstream();
        return factory().create(settings(target, requestTimeout, Transport.defaults()));
    }

    @Override
    protected LlmProvider provider(URI baseUrl, long maxResponseBytes) {
        return factory().create(settings(baseUrl, NORMAL_TIMEOUT, new Transport(List.of(), false, maxResponseBytes)));
    }

    @Override
    protected LlmProvider provider(ResponseBudget budget) {
        return factory().create(settings(upstream(), NORMAL_TIMEOUT, Transport.defaults().sharing(budget)));
    }

    @Override
    protected Optional<String> secret() {
        return Optional.of(key());
    }

    private ProviderSettings settings(URI baseUrl, Duration requestTimeout, Transport transport) {
        return ProviderSettingsFixtures.builder(factory().id()).apiKey(key()).baseUrl(baseUrl)
                .connectTimeout(CONNECT_TIMEOUT).requestTimeout(requestTimeout).transport(transport).build();
    }
}
