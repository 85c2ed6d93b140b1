package io.llmclient.application.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.application.provider.ApiKey;
import io.llmclient.application.provider.Availability;
import io.llmclient.application.provider.LlmProvider;
import io.llmclient.application.provider.LlmProviderFactory;
import io.llmclient.application.provider.ProviderSettings;
import io.llmclient.application.testing.ProviderSettingsFixtures;
import io.llmclient.domain.chat.ProviderId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ProviderRegistryTest {

    private static final ProviderId ALPHA = new ProviderId("alpha");
    private static final ProviderId BETA = new ProviderId("beta");

    private static ProviderSettings settings(ProviderId id, Optional<ApiKey> key) {
        return ProviderSettingsFixtures.builder(id).apiKey(key).connectTimeout(Duration.ofSeconds(1))
                .requestTimeout(Duration.ofSeconds(5)).build();
    }

    private static final Function<ProviderId, ProviderSettings> WITH_KEY =
            id -> settings(id, Optional.of(new ApiKey("key-" + id.value() + "-0000")));

    /** A factory that counts how often it builds and hands out the delegate's providers. */
    private static final class CountingFactory implements LlmProviderFactory {
        private final ProviderId id;
        final AtomicInteger creations = new AtomicInteger();
        final List<ProviderSettings> settingsSeen = new CopyOnWriteArrayList<>();

        CountingFactory(ProviderId id) {
            this.id = id;
        }

        @Override
        public ProviderId id() {
            return id;
        }

        @Override
        public LlmProvider create(ProviderSettings settings) {
            creations.incrementAndGet();
            settingsSeen.add(settings);
            // Gives other first users the chance to race in, were creation not guarded.
            Thread.yield();
            return new DiscoveredTestFactory().create(settings);
        }
    }

    @Test
    void providersAreNotBuiltUntilFirstUse() {
        var factory = new CountingFactory(ALPHA);
        var registry = new ProviderRegistry(List.of(factory), WITH_KEY);
        assertEquals(List.of(ALPHA), registry.ids());
        assertEquals(0, factory.creations.get());
    }

    @Test
    void aProviderIsBuiltOnceFromTheSettingsForItsId() {
        var factory = new CountingFactory(ALPHA);
        var registry = new ProviderRegistry(List.of(factory), WITH_KEY);
        LlmProvider first = registry.provider(ALPHA).orElseThrow();
        assertSame(first, registry.provider(ALPHA).orElseThrow());
        assertTrue(registry.available(ALPHA));
        assertEquals(1, factory.creations.get());
        assertEquals(List.of(WITH_KEY.apply(ALPHA)), factory.settingsSeen);
    }

    @Test
    void fiftyConcurrentFirstUsesBuildTheProviderOnce() throws Exception {
        var factory = new CountingFactory(ALPHA);
        var registry = new ProviderRegistry(List.of(factory), WITH_KEY);
        var ready = new CountDownLatch(50);
        var go = new CountDownLatch(1);
        var results = new ArrayList<Future<LlmProvider>>();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 50; i++) {
                results.add(executor.submit(() -> {
                    ready.countDown();
                    go.await();
                    return registry.provider(ALPHA).orElseThrow();
                }));
            }
            ready.await();
            go.countDown();
        }
        assertEquals(1, factory.creations.get());
        LlmProvider first = results.getFirst().get();
        for (Future<LlmProvider> result : results) {
            assertSame(first, result.get());
        }
    }

    @Test
    void aProviderWithoutAKeyIsRegisteredButUnavailable() {
        var registry = new ProviderRegistry(List.of(new CountingFactory(ALPHA)), id -> settings(id, Optional.empty()));
        assertTrue(registry.provider(ALPHA).isPresent());
        assertFalse(registry.available(ALPHA));
        assertEquals(Availability.down("no API key"), registry.availability(ALPHA));
    }

    @Test
    void anUnknownIdHasNoProviderAndIsUnavailableWithAReason() {
        var registry = new ProviderRegistry(List.of(new CountingFactory(ALPHA)), WITH_KEY);
        assertEquals(Optional.empty(), registry.provider(BETA));
        assertFalse(registry.available(BETA));
        assertEquals(Availability.down("no provider module registers 'beta'"), registry.availability(BETA));
    }

    @Test
    void twoModulesClaimingOneIdAreRefused() {
        var error = assertThrows(IllegalStateException.class, () -> new ProviderRegistry(
                List.of(new CountingFactory(ALPHA), new CountingFactory(BETA), new CountingFactory(ALPHA)), WITH_KEY));
        assertEquals("two provider modules claim the id 'alpha'", error.getMessage());
    }

    @Test
    void idsKeepDiscoveryOrder() {
        var registry = new ProviderRegistry(List.of(new CountingFactory(BETA), new CountingFactory(ALPHA)), WITH_KEY);
        assertEquals(List.of(BETA, ALPHA), registry.ids());
        assertEquals(Set.of(ALPHA, BETA), registry.idSet());
    }

    @Test
    void discoverFindsFactoriesListedInMetaInfServices() {
        var registry = ProviderRegistry.discover(WITH_KEY);
        assertEquals(List.of(DiscoveredTestFactory.ID), registry.ids());
        assertTrue(registry.available(DiscoveredTestFactory.ID));
    }
}
