package io.llmclient.application.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ResponseBudgetTest {
    private final ResponseBudget budget = new ResponseBudget(1000);

    @Test
    void aReservationTakesWhatItGrowsByFromTheSharedBudget() {
        try (var first = budget.open(); var second = budget.open()) {
            assertTrue(first.grow(600));
            assertTrue(second.grow(400));
            assertEquals(0, budget.available());
            assertEquals(600, first.held());
        }
        assertEquals(1000, budget.available());
    }

    @Test
    void bytesThatDoNotFitAreRefusedAndNothingIsTaken() {
        try (var first = budget.open(); var second = budget.open()) {
            assertTrue(first.grow(700));
            assertFalse(second.grow(301));
            assertEquals(0, second.held());
            assertEquals(300, budget.available());
            assertTrue(second.grow(300), "what is left can still be taken");
        }
    }

    @Test
    void releaseGivesEverythingBackAndTheReservationMayGrowAgain() {
        try (var held = budget.open()) {
            held.grow(800);
            held.release();
            assertEquals(1000, budget.available());
            assertTrue(held.grow(1000));
        }
        assertEquals(1000, budget.available());
    }

    @Test
    void closingTwiceGivesBackOnce() {
        var held = budget.open();
        held.grow(500);
        held.close();
        held.close();
        assertEquals(1000, budget.available());
    }

    @Test
    void concurrentCallsNeverHoldMoreThanTheCapacityAndGiveItAllBack() throws Exception {
        var peak = new AtomicLong();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var calls = new ArrayList<Future<?>>();
            for (int i = 0; i < 64; i++) {
                calls.add(pool.submit(() -> {
                    for (int round = 0; round < 200; round++) {
                        try (var held = budget.open()) {
                            for (int chunk = 0; chunk < 5 && held.grow(70); chunk++) {
                                peak.accumulateAndGet(budget.capacity() - budget.available(), Math::max);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> call : calls) {
                call.get();
            }
        }
        assertTrue(peak.get() <= 1000, () -> "held at most the capacity, held " + peak.get());
        assertEquals(1000, budget.available());
    }

    @Test
    void theUnlimitedBudgetNeverRefusesAndCountsNothing() {
        try (var held = ResponseBudget.unlimited().open()) {
            assertTrue(held.grow(Long.MAX_VALUE / 2));
            assertTrue(held.grow(Long.MAX_VALUE / 2), "nothing was taken");
            assertEquals(Long.MAX_VALUE, ResponseBudget.unlimited().available());
        }
    }

    @Test
    void aCapacityOfZeroIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ResponseBudget(0));
    }
}
