package io.llmclient.application.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.llmclient.application.testing.ProviderSettingsFixtures;
import io.llmclient.domain.chat.ProviderId;
import org.junit.jupiter.api.Test;

class ApiKeyTest {

    private static final String KEY = "sk-" + "proj-AbCdEfGhIjKlMnOp1234";

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
        var settings = ProviderSettingsFixtures.builder(ProviderId.OPENAI).apiKey(KEY)
                .baseUrl("https://api.openai.com/v1").build();
        assertFalse(settings.toString().contains("AbCdEfGh"), settings.toString());
    }

    @Test
    void aBlankKeyIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ApiKey("  "));
        assertThrows(NullPointerException.class, () -> new ApiKey(null));
    }

    @Test
    void redactionReplacesTheWholeKeyByItsMaskedForm() {
        assertEquals("bad key ****1234 here", new ApiKey(KEY).redactFrom("bad key " + KEY + " here"));
    }

    @Test
    void redactionReplacesAPartlyMaskedEchoOfTheKey() {
        // OpenAI's 401 quotes the key with its middle starred out: its first 8 characters are still the key's.
        String message = "Incorrect API key provided: sk-proj-**************1234. You can find your API key at "
                + "https://platform.openai.com/account/api-keys.";
        assertEquals("Incorrect API key provided: ****1234 You can find your API key at "
                + "https://platform.openai.com/account/api-keys.", new ApiKey(KEY).redactFrom(message));
    }

    @Test
    void redactionReplacesAWordHoldingAnEightCharacterRunFromTheKeysMiddle() {
        assertEquals("key ****1234 refused", new ApiKey(KEY).redactFrom("key (GhIjKlMn…) refused"));
    }

    @Test
    void redactionLeavesASevenCharacterRunAlone() {
        assertEquals("GhIjKlM is not a leak", new ApiKey(KEY).redactFrom("GhIjKlM is not a leak"));
    }

    @Test
    void redactionLeavesTextWithoutAnyRunOfTheKeyAlone() {
        String message = "Rate limit reached for gpt-4 in organization org-********** on tokens per min (TPM).";
        assertEquals(message, new ApiKey(KEY).redactFrom(message));
    }

    @Test
    void redactionLeavesTheLastFourCharactersAlone() {
        assertEquals("ends in 1234", new ApiKey(KEY).redactFrom("ends in 1234"));
    }

    @Test
    void redactionOfAKeyShorterThanEightReplacesEveryWordHoldingIt() {
        assertEquals("key **** and ****", new ApiKey("s3cr3t").redactFrom("key s3cr3t and x-s3cr3t."));
    }

    @Test
    void redactionCutsARunThatSpansWhitespace() {
        // No word holds 8 of its characters, but the text does: the run is cut, what is left is shorter than 8.
        String redacted = new ApiKey("abcd efgh ijkl").redactFrom("sent: abcd efgh ijkl!");
        assertEquals("sent: ****h ijkl!", redacted);
    }

    @Test
    void redactionLeavesNoRunOfEightOfAnyKeyInAnyEcho() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        var key = new ApiKey(alphabet);
        for (int start = 0; start + 8 <= alphabet.length(); start++) {
            String echo = "x" + alphabet.substring(start) + " then " + alphabet.substring(0, start + 8) + ".";
            String redacted = key.redactFrom(echo);
            for (int i = 0; i + 8 <= alphabet.length(); i++) {
                String run = alphabet.substring(i, i + 8);
                assertFalse(redacted.contains(run), () -> "leaks '" + run + "': " + redacted);
            }
        }
    }

    @Test
    void redactionRefusesNull() {
        assertThrows(NullPointerException.class, () -> new ApiKey(KEY).redactFrom(null));
    }
}
