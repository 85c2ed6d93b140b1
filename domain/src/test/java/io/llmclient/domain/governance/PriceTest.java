package io.llmclient.domain.governance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.money.NanoUsd;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class PriceTest {
    // gpt-4.1-mini: input 0.40, output 1.60, cached-input 0.10 USD per million tokens.
    private static final Price MINI = new Price(400_000_000L, 1_600_000_000L, Optional.of(100_000_000L),
            Optional.empty());
    // claude-sonnet-4-5: input 3.00, output 15.00, cached-input 0.30, cache-write 3.75.
    private static final Price SONNET = new Price(3_000_000_000L, 15_000_000_000L, Optional.of(300_000_000L),
            Optional.of(3_750_000_000L));
    // sim-fast: input 0.10, output 0.40, nothing for the cache.
    private static final Price SIM = new Price(100_000_000L, 400_000_000L, Optional.empty(), Optional.empty());

    @Nested
    class Formula {

        @Test
        void uncachedPromptAtInputAndCompletionAtOutput() {
            // 1000 * 0.40 / 10^6 + 500 * 1.60 / 10^6 = 0.0004 + 0.0008 USD
            assertEquals(new NanoUsd(1_200_000L), MINI.cost(new Usage(1000, 500)));
        }

        @Test
        void cacheReadsAtCachedInputAndTheRestOfThePromptAtInput() {
            // (1000 - 600) * 0.40 + 600 * 0.10 + 500 * 1.60 = 160000 + 60000 + 800000 nano
            assertEquals(new NanoUsd(1_020_000L), MINI.cost(new Usage(1000, 500, 600, 0)));
        }

        @Test
        void cacheReadsAreChargedAtInputWhenCachedInputIsAbsent() {
            assertEquals(SIM.cost(new Usage(1000, 500)), SIM.cost(new Usage(1000, 500, 600, 0)));
            assertEquals(new NanoUsd(300_000L), SIM.cost(new Usage(1000, 500, 600, 0)));
        }

        @Test
        void cacheWritesAtCacheWrite() {
            // reads 200 * 0.30 + writes 300 * 3.75 + uncached 500 * 3.00 + completion 100 * 15.00
            long expected = 200 * 300 + 300 * 3750 + 500 * 3000 + 100 * 15_000;
            assertEquals(new NanoUsd(expected), SONNET.cost(new Usage(1000, 100, 200, 300)));
        }

        @Test
        void cacheWritesAtInputWhenCacheWriteIsAbsent() {
            // writes 300 at input like the 500 uncached; reads 200 at cached-input.
            long expected = 800 * 400 + 200 * 100 + 100 * 1600;
            assertEquals(new NanoUsd(expected), MINI.cost(new Usage(1000, 100, 200, 300)));
            assertEquals(MINI.cost(new Usage(1000, 100, 200, 0)), MINI.cost(new Usage(1000, 100, 200, 300)));
        }

        @Test
        void noUsageCostsNothing() {
            assertEquals(NanoUsd.ZERO, SONNET.cost(Usage.ZERO));
        }

        @Test
        void negativePricesAreRefused() {
            assertThrows(IllegalArgumentException.class,
                    () -> new Price(-1, 0, Optional.empty(), Optional.empty()));
            assertThrows(IllegalArgumentException.class,
                    () -> new Price(0, 0, Optional.of(-1L), Optional.empty()));
        }
    }

    @Nested
    class Rounding {

        @Test
        void aCallIsRoundedHalfUpToWholeNanoDollars() {
            // 1 token at 0.40 USD per million = 400 nano-dollars exactly.
            assertEquals(new NanoUsd(400), MINI.cost(new Usage(1, 0)));
            // 0.5 nano-dollars rounds up.
            var half = new Price(500_000L, 0, Optional.empty(), Optional.empty());
            assertEquals(new NanoUsd(1), half.cost(new Usage(1, 0)));
            // 0.499999 rounds down.
            var under = new Price(499_999L, 0, Optional.empty(), Optional.empty());
            assertEquals(NanoUsd.ZERO, under.cost(new Usage(1, 0)));
            // 1.5 rounds up to 2.
            var oneAndHalf = new Price(1_500_000L, 0, Optional.empty(), Optional.empty());
            assertEquals(new NanoUsd(2), oneAndHalf.cost(new Usage(1, 0)));
        }

        @Test
        void roundingHappensOncePerCallNotPerTerm() {
            // Prompt 0.4 + completion 0.4 = 0.8 nano-dollars: 1, although each term alone rounds to 0.
            var price = new Price(400_000L, 400_000L, Optional.empty(), Optional.empty());
            assertEquals(new NanoUsd(1), price.cost(new Usage(1, 1)));
        }

        @Test
        void theResultIsTheExactDecimalRoundedHalfUp() {
            var random = new Random(42);
            for (int i = 0; i < 2_000; i++) {
                var price = new Price(random.nextLong(1_000_000_000_000_000L), random.nextLong(1_000_000_000_000_000L),
                        Optional.of(random.nextLong(1_000_000_000_000_000L)),
                        random.nextBoolean() ? Optional.of(random.nextLong(1_000_000_000_000_000L)) : Optional.empty());
                int prompt = random.nextInt(5_000_000);
                int reads = random.nextInt(prompt + 1);
                int writes = random.nextInt(prompt - reads + 1);
                var usage = new Usage(prompt, random.nextInt(5_000_000), reads, writes);
                assertEquals(new NanoUsd(exact(price, usage)), price.cost(usage), () -> price + " " + usage);
            }
        }

        private static long exact(Price price, Usage usage) {
            BigDecimal perMillion = BigDecimal.valueOf(usage.promptTokens() - usage.cachedReadTokens()
                            - usage.cacheWriteTokens()).multiply(BigDecimal.valueOf(price.input()))
                    .add(BigDecimal.valueOf(usage.cachedReadTokens())
                            .multiply(BigDecimal.valueOf(price.cachedInput().orElseThrow())))
                    .add(BigDecimal.valueOf(usage.cacheWriteTokens())
                            .multiply(BigDecimal.valueOf(price.cacheWrite().orElse(price.input()))))
                    .add(BigDecimal.valueOf(usage.completionTokens()).multiply(BigDecimal.valueOf(price.output())));
            return perMillion.movePointLeft(6).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
        }
    }

    @Nested
    class LargeCounts {

        @Test
        void theLargestCountsAtTheHighestPricesDoNotOverflow() {
            // 10^6 USD per million tokens = 10^15 nano-dollars per million, the parser's ceiling.
            long top = 1_000_000_000_000_000L;
            var dearest = new Price(top, top, Optional.of(top), Optional.of(top));
            int max = Integer.MAX_VALUE;
            // (2^31 - 1) tokens * 10^9 nano-dollars each, for prompt and completion.
            assertEquals(new NanoUsd(2L * max * 1_000_000_000L), dearest.cost(new Usage(max, max)));
            assertEquals(new NanoUsd(2L * max * 1_000_000_000L), dearest.cost(new Usage(max, max, max / 2, max / 3)));
        }

        @Test
        void largeCountsWithFractionalRatesAreExact() {
            var price = new Price(999_999_999L, 333_333_333L, Optional.of(1L), Optional.empty());
            var usage = new Usage(Integer.MAX_VALUE, Integer.MAX_VALUE, 1_000_000_000, 0);
            assertEquals(new NanoUsd(Rounding.exact(price, usage)), price.cost(usage));
        }
    }

    @Nested
    class Sums {

        @Test
        void theSumOfTheReturnedDollarAmountsIsTheSumOfTheNanoDollarsExactly() {
            var random = new Random(7);
            NanoUsd total = NanoUsd.ZERO;
            BigDecimal dollars = BigDecimal.ZERO;
            double approximately = 0;
            for (int i = 0; i < 10_000; i++) {
                NanoUsd cost = SONNET.cost(new Usage(random.nextInt(3000), random.nextInt(700),
                        random.nextInt(100), random.nextInt(100)));
                total = total.plus(cost);
                dollars = dollars.add(cost.usd());
                approximately += cost.usdApproximately();
            }
            assertEquals(0, total.usd().compareTo(dollars));
            assertEquals(total.usd(), dollars.stripTrailingZeros());
            assertEquals(total.nanos(), dollars.movePointRight(9).longValueExact());
            assertEquals(total.usdApproximately(), approximately, 1e-6);
        }

        @Test
        void usdIsTheNanoDollarsOverTenToTheNine() {
            assertEquals(new BigDecimal("0.00102"), new NanoUsd(1_020_000L).usd());
            assertEquals(new BigDecimal("0.000000001"), new NanoUsd(1).usd());
            assertEquals(0, BigDecimal.ZERO.compareTo(NanoUsd.ZERO.usd()));
        }

        @Test
        void ofUsdIsExactOrEmpty() {
            assertEquals(Optional.of(new NanoUsd(5_000_000_000L)), NanoUsd.ofUsd(new BigDecimal("5.0")));
            assertEquals(Optional.empty(), NanoUsd.ofUsd(new BigDecimal("0.0000000005")));
            assertEquals(Optional.empty(), NanoUsd.ofUsd(new BigDecimal("-1")));
            assertEquals(Optional.empty(), NanoUsd.ofUsd(new BigDecimal("1e30")));
        }

        @Test
        void plusSaturatesInsteadOfWrapping() {
            assertEquals(new NanoUsd(Long.MAX_VALUE), new NanoUsd(Long.MAX_VALUE - 1).plus(new NanoUsd(5)));
        }
    }
}
