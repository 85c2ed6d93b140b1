package io.llmclient.domain.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModelCatalogTest {

    private static final ModelEntry MINI = ModelEntry.of("gpt-4.1-mini", ProviderId.OPENAI, ModelTier.FAST);
    private static final ModelEntry HAIKU = new ModelEntry("haiku", ProviderId.ANTHROPIC, ModelTier.FAST,
            "claude-3-5-haiku-20241022");
    private static final ModelEntry GPT5 = ModelEntry.of("gpt-5", ProviderId.OPENAI, ModelTier.PREMIUM);

    private final ModelCatalog catalog = new ModelCatalog(List.of(MINI, HAIKU, GPT5));

    @Test
    void duplicateIdsAreRefused() {
        var error = assertThrows(IllegalArgumentException.class, () -> new ModelCatalog(List.of(MINI, GPT5,
                ModelEntry.of("gpt-4.1-mini", ProviderId.GEMINI, ModelTier.PREMIUM))));
        assertEquals("model 'gpt-4.1-mini' appears twice in the catalog", error.getMessage());
    }

    @Test
    void findsEntriesById() {
        assertEquals(Optional.of(HAIKU), catalog.find("haiku"));
        assertEquals(Optional.empty(), catalog.find("claude-3-5-haiku-20241022"));
        assertTrue(catalog.contains("gpt-5"));
        assertFalse(catalog.contains("gpt-4"));
    }

    @Test
    void entriesKeepConfigurationOrder() {
        assertEquals(List.of(MINI, HAIKU, GPT5), catalog.entries());
    }

    @Test
    void providersAreThoseNamedByAnEntryInOrder() {
        assertEquals(List.of(ProviderId.OPENAI, ProviderId.ANTHROPIC), List.copyOf(catalog.providers()));
        assertEquals(Set.of(ProviderId.OPENAI, ProviderId.ANTHROPIC), catalog.providers());
    }

    @Test
    void servedByListsOneProvidersEntriesInOrder() {
        assertEquals(List.of(MINI, GPT5), catalog.servedBy(ProviderId.OPENAI));
        assertEquals(List.of(), catalog.servedBy(ProviderId.GEMINI));
    }

    @Test
    void anEntryOfUsesTheIdAsTheUpstreamName() {
        assertEquals("gpt-4.1-mini", MINI.providerModel());
    }

    @Test
    void anEntryNeedsANonBlankId() {
        assertThrows(IllegalArgumentException.class, () -> ModelEntry.of(" ", ProviderId.OPENAI, ModelTier.FAST));
        assertThrows(NullPointerException.class, () -> ModelEntry.of("m", null, ModelTier.FAST));
    }
}
