package io.llmclient.domain.money;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class NanoUsdTest {
    @Test
    void dollarsAreExactAndWholeAmountsHaveNoExponent() {
        assertEquals("100", new NanoUsd(100_000_000_000L).usd().toString());
        assertEquals("5", new NanoUsd(5_000_000_000L).usd().toString());
        assertEquals("0.0000015", new NanoUsd(1500).usd().toString());
        assertEquals("0", NanoUsd.ZERO.usd().toString());
        assertEquals(new NanoUsd(1500), NanoUsd.ofUsd(new BigDecimal("0.0000015")).orElseThrow());
    }
}
