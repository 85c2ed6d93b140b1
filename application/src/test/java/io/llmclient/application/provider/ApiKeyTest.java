package io.llmclient.application.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.llmclient.domain.chat.ProviderId;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApiKeyTest {

    private static final String KEY = "sk-proj-AbCdEfGhIjKlMnOp1234";

    @Test
    void maskedShowsOnlyTheLastFourCharacters() {
        assertEquals("****1234", new ApiKey(KEY).masked());
    }

    @Test
    void toStringShowsOnlyTheMaskedKey() {
        assertEquals("ApiKey[****1234]", new ApiKey(KEY).toString());
    }

    @Test
    void aKeyOfEightCharactersOrLessShowsNothing() {
        assertEquals("****", new ApiKey("12345678").masked());
        assertEquals("****", new ApiKey("k").masked());
    }

    @Test
    void noKeyLengthRevealsMoreThanItsLastFourCharacters() {
        // Distinct characters per position, so any leaked run of 2+ characters other than the
        // suffix would be found.
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int length = 1; length <= alphabet.length(); length++) {
            String value = alphabet.substring(0, length);
            String shown = new ApiKey(value).toString();
            String hidden = value.substring(0, Math.max(0, length - 4));
            for (int i = 0; i + 2 <= hidden.length(); i++) {
                String run = hidden.substring(i, i + 2);
                assertFalse(shown.contains(run), () -> "length " + value.length() + " leaks '" + run + "': " + shown);
            }
            assertEquals(length > 8 ? "ApiKey[****" + value.substring(length - 4) + "]" : "ApiKey[****]", shown);
        }
    }

    @Test
    void providerSettingsDoNotRevealTheKeyWhenPrinted() {
        var settings = new ProviderSettings(ProviderId.OPENAI, true, Optional.of(new ApiKey(KEY)),
                Optional.of(URI.create("https://api.openai.com/v1")), Duration.ofSeconds(10), Duration.ofSeconds(60),
                Map.of());
        assertFalse(settings.toString().contains("AbCdEfGh"), settings.toString());
    }

    @Test
    void aBlankKeyIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ApiKey("  "));
        assertThrows(NullPointerException.class, () -> new ApiKey(null));
    }
}
