package io.llmclient.application.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.application.provider.Availability;
import io.llmclient.application.testing.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
    private final ManualClock clock = new ManualClock();
    private final CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofSeconds(30), clock);

    private void fail(int times) {
        for (int i = 0; i < times; i++) {
            breaker.failed(breaker.tryAcquire());
        }
    }

    @Test
    void aClosedCircuitLetsCallsThroughAndReportsTheProviderUp() {
        fail(2);
        assertNotNull(breaker.tryAcquire());
        assertEquals(Availability.up(), breaker.availability());
    }

    @Test
    void theThresholdOfConsecutiveFailuresOpensItAndCallsAreRefused() {
        fail(3);
        assertNull(breaker.tryAcquire());
        assertEquals(Availability.down("circuit open after 3 consecutive failures; next probe in 30 s"),
                breaker.availability());
    }

    @Test
    void aSuccessInBetweenStartsTheRunAgain() {
        fail(2);
        breaker.succeeded(breaker.tryAcquire());
        fail(2);
        assertNotNull(breaker.tryAcquire());
    }

    @Test
    void afterTheOpenTimeTheProviderLooksAvailableSoThatOneProbeIsSent() {
        fail(3);
        clock.advance(Duration.ofSeconds(30));
        assertTrue(breaker.availability().available());
        assertEquals("circuit half-open: the next request probes the provider", breaker.availability().reason());
        CircuitBreaker.Permit probe = breaker.tryAcquire();
        assertTrue(probe.probe());
        assertNull(breaker.tryAcquire(), "only one probe at a time");
        assertEquals(Availability.down("circuit half-open: a probe request is in flight"), breaker.availability());
    }

    @Test
    void aSuccessfulProbeClosesTheCircuit() {
        fail(3);
        clock.advance(Duration.ofSeconds(31));
        breaker.succeeded(breaker.tryAcquire());
        assertEquals(Availability.up(), breaker.availability());
        assertFalse(breaker.tryAcquire().probe());
    }

    @Test
    void aFailedProbeOpensItForAnotherPeriod() {
        fail(3);
        clock.advance(Duration.ofSeconds(30));
        breaker.failed(breaker.tryAcquire());
        assertNull(breaker.tryAcquire());
        clock.advance(Duration.ofSeconds(29));
        assertNull(breaker.tryAcquire());
        clock.advance(Duration.ofSeconds(1));
        assertTrue(breaker.tryAcquire().probe());
    }

    @Test
    void aProbeWithoutVerdictGivesItsSlotBack() {
        fail(3);
        clock.advance(Duration.ofSeconds(30));
        breaker.released(breaker.tryAcquire());
        assertTrue(breaker.availability().available());
        assertTrue(breaker.tryAcquire().probe());
    }

    @Test
    void aCallThatStartedBeforeTheCircuitOpenedDoesNotExtendIt() {
        CircuitBreaker.Permit early = breaker.tryAcquire();
        fail(3);
        clock.advance(Duration.ofSeconds(30));
        breaker.failed(early);
        assertTrue(breaker.tryAcquire().probe());
    }

    @Test
    void releasingAnOrdinaryPermitChangesNothing() {
        fail(2);
        breaker.released(breaker.tryAcquire());
        fail(1);
        assertNull(breaker.tryAcquire());
    }
}
