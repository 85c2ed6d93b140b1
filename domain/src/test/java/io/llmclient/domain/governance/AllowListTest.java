package io.llmclient.domain.governance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.failure.LlmFailure.ModelNotAllowed;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AllowListTest {

    private final AllowList allowList = new AllowList(List.of("gpt-4.1-mini", " claude-3-5-haiku-20241022 ", "", "  "));

    @Test
    void allowsListedModelsWithSurroundingSpacesTrimmed() {
        assertTrue(allowList.allows("gpt-4.1-mini"));
        assertTrue(allowList.allows("claude-3-5-haiku-20241022"));
    }

    @Test
    void refusesUnlistedModelsAndIsCaseSensitive() {
        assertFalse(allowList.allows("gpt-4"));
        assertFalse(allowList.allows("GPT-4.1-MINI"));
        assertFalse(allowList.allows(""));
    }

    @Test
    void blankEntriesAreDropped() {
        assertEquals(List.of("gpt-4.1-mini", "claude-3-5-haiku-20241022"), allowList.models());
    }

    @Test
    void checkOfAnAllowedModelIsEmpty() {
        assertEquals(Optional.empty(), allowList.check("gpt-4.1-mini"));
    }

    @Test
    void checkOfARefusedModelNamesItAndTheAllowedModels() {
        assertEquals(Optional.of(new ModelNotAllowed("gpt-4", List.of("gpt-4.1-mini", "claude-3-5-haiku-20241022"))),
                allowList.check("gpt-4"));
    }

    @Test
    void plusAppendsInOrderWithoutDuplicates() {
        var extended = allowList.plus(List.of("sim-fast", "gpt-4.1-mini", "sim-balanced"));
        assertEquals(List.of("gpt-4.1-mini", "claude-3-5-haiku-20241022", "sim-fast", "sim-balanced"),
                extended.models());
    }

    @Test
    void plusLeavesTheOriginalUnchanged() {
        allowList.plus(List.of("sim-fast"));
        assertFalse(allowList.allows("sim-fast"));
    }

    @Test
    void duplicatesAppearOnce() {
        assertEquals(List.of("a", "b"), new AllowList(List.of("a", "b", "a")).models());
    }

    @Test
    void aViolationNeedsEveryField() {
        var context = A2aContext.ofTrace("t");
        var now = Instant.EPOCH;
        assertEquals("gpt-4", new GovernanceViolation(now, context, "gpt-4", "not allowed").attemptedModel());
        assertThrows(NullPointerException.class, () -> new GovernanceViolation(null, context, "m", "r"));
        assertThrows(NullPointerException.class, () -> new GovernanceViolation(now, null, "m", "r"));
        assertThrows(NullPointerException.class, () -> new GovernanceViolation(now, context, null, "r"));
        assertThrows(NullPointerException.class, () -> new GovernanceViolation(now, context, "m", null));
    }

    @Test
    void narrowedToKeepsTheModelsBothNameInThisListsOrder() {
        var service = new AllowList(List.of("a", "b", "c", "d"));
        assertEquals(List.of("b", "d"), service.narrowedTo(Optional.of(List.of("d", "x", "b"))).models());
    }

    @Test
    void anAbsentListNarrowsNothingAndAnEmptyOneEverything() {
        var service = new AllowList(List.of("a", "b"));
        assertEquals(List.of("a", "b"), service.narrowedTo(Optional.empty()).models());
        assertEquals(List.of(), service.narrowedTo(Optional.of(List.of())).models());
    }

    @Test
    void narrowingTwiceIsTheIntersectionOfAll() {
        var service = new AllowList(List.of("a", "b", "c"));
        assertEquals(List.of("c"), service.narrowedTo(Optional.of(List.of("c", "b")))
                .narrowedTo(Optional.of(List.of("a", "c"))).models());
    }
}
