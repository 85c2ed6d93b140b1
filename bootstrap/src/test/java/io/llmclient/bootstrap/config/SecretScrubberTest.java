package io.llmclient.bootstrap.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SecretScrubberTest {
    private static final String KEY = "sk-canary-0123456789abcdefghij";
    private final SecretScrubber scrubber = new SecretScrubber(List.of(KEY, "short"));

    @Test
    void aWholeKeyInFreeTextIsMasked() {
        assertEquals("LLM_DEFAULT_MODEL: '****' must be one of ALLOWED_MODELS [gpt-4.1-mini]",
                scrubber.mask("LLM_DEFAULT_MODEL: '" + KEY + "' must be one of ALLOWED_MODELS [gpt-4.1-mini]"));
    }

    @Test
    void anyRunOfEightCharactersIsMaskedWhereverItStands() {
        assertEquals("http://127.0.0.1:9/v1?key=sk-****&b=****",
                scrubber.mask("http://127.0.0.1:9/v1?key=sk-" + KEY.substring(5, 13) + "&b=" + KEY.substring(15)));
    }

    @Test
    void shorterPiecesAndTheLastFourStay() {
        String text = "ends in ghij, starts with sk-cana (seven), short is short";
        assertSame(text, scrubber.mask(text));
        assertFalse(scrubber.leaks(text));
        assertTrue(scrubber.leaks("x" + KEY.substring(3, 11) + "y"));
    }

    @Test
    void theTrustStorePasswordAndEveryInboundKeyAreSecrets() {
        assertEquals(Set.of("pw-123456789", "in-1", "in-2", "sk-1"), Set.copyOf(SecretScrubber.secretsIn(Map.of(
                "LLM_TLS_TRUST_STORE_PASSWORD", "pw-123456789", "LLM_INBOUND_API_KEYS", "in-1, in-2",
                "MY_LLM_API_KEY", "sk-1", "LLM_DEFAULT_MODEL", "gpt-4.1-mini"))));
    }
}
