package io.llmclient.provider.anthropic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MaxTokensDefaultsTest {

    @Test
    void withoutOptionsEveryModelGets4096() {
        assertEquals(4096, MaxTokensDefaults.from(Map.of()).forModel("claude-3-opus"));
    }

    @Test
    void theGeneralOptionSetsTheDefaultForEveryModel() {
        assertEquals(1024, MaxTokensDefaults.from(Map.of("default_max_tokens", "1024")).forModel("claude-3-opus"));
    }

    @Test
    void aPerModelOptionWinsForThatModelOnly() {
        var defaults = MaxTokensDefaults.from(Map.of("default_max_tokens", "1024",
                "default_max_tokens.claude-3-5-sonnet", "8192"));
        assertEquals(8192, defaults.forModel("claude-3-5-sonnet"));
        assertEquals(1024, defaults.forModel("claude-3-opus"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-5", "many", "1.5", ""})
    void aValueThatIsNotAPositiveWholeNumberIsRefusedNamingTheOption(String value) {
        var refused = assertThrows(IllegalArgumentException.class,
                () -> MaxTokensDefaults.from(Map.of("default_max_tokens.claude-3-opus", value)));
        assertEquals("anthropic option default_max_tokens.claude-3-opus must be a whole number > 0, got '" + value + "'",
                refused.getMessage());
    }
}
