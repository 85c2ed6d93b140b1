package io.llmclient.provider.openai.failure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class SecretScrubberTest {
    private static final String KEY = "sk-proj-Zq81mWx0TtYy77abcd";
    private final SecretScrubber scrubber = new SecretScrubber(KEY, "****abcd");

    @Test
    void theWholeKeyIsReplacedByItsMaskedForm() {
        assertEquals("bad key ****abcd here", scrubber.scrub("bad key " + KEY + " here"));
    }

    @Test
    void openAisPartlyMaskedEchoOfTheKeyIsReplacedToo() {
        String message = "Incorrect API key provided: sk-proj-**************abcd. You can find your API key at "
                + "https://platform.openai.com/account/api-keys.";
        String scrubbed = scrubber.scrub(message);
        assertEquals("Incorrect API key provided: ****abcd You can find your API key at "
                + "https://platform.openai.com/account/api-keys.", scrubbed);
        assertFalse(scrubbed.contains("sk-proj-"));
    }

    @Test
    void textWithoutAnyRunOfTheKeyIsLeftAlone() {
        String message = "Rate limit reached for gpt-4 in organization org-********** on tokens per min (TPM).";
        assertEquals(message, scrubber.scrub(message));
    }

    @Test
    void theLastFourCharactersAloneAreNotALeak() {
        assertEquals("ends in abcd", scrubber.scrub("ends in abcd"));
    }

    @Test
    void toStringShowsOnlyTheMaskedForm() {
        assertFalse(scrubber.toString().contains("Zq81"));
    }
}
