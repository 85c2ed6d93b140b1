package io.llmclient.application.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.application.testing.ProviderSettingsFixtures;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProviderValuesTest {

    private static ProviderSettings settings(Map<String, String> options) {
        return ProviderSettingsFixtures.builder(ProviderId.SIMULATOR).options(options).build();
    }

    @Test
    void anOptionIsReadByName() {
        var settings = settings(Map.of("time_to_first_token_ms", "50"));
        assertEquals(Optional.of("50"), settings.option("time_to_first_token_ms"));
        assertEquals(Optional.empty(), settings.option("missing"));
    }

    @Test
    void settingsCopyTheirOptions() {
        var options = new HashMap<>(Map.of("a", "1"));
        var settings = settings(options);
        options.put("b", "2");
        assertEquals(Optional.empty(), settings.option("b"));
    }

    @Test
    void availabilityUpIsReadyAndDownCarriesItsReason() {
        assertTrue(Availability.up().available());
        assertEquals("ready", Availability.up().reason());
        assertFalse(Availability.down("no API key").available());
        assertEquals("no API key", Availability.down("no API key").reason());
    }

    @Test
    void aCallContextNeedsModelAndA2aContext() {
        var model = ModelEntry.of("sim-fast", ProviderId.SIMULATOR, ModelTier.FAST);
        assertThrows(NullPointerException.class, () -> new CallContext(null, A2aContext.ofTrace("t")));
        assertThrows(NullPointerException.class, () -> new CallContext(model, null));
    }
}
