package io.llmclient.domain.money;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * An amount of money in whole nano-dollars (10^-9 USD). Spend is kept as integers so that sums
 * are exact: the {@code cost_usd} values returned add up to the spend to the last digit (contract
 * section 14).
 */
public record NanoUsd(long nanos) implements Comparable<NanoUsd> {
    public static final NanoUsd ZERO = new NanoUsd(0);
    private static final int SCALE = 9;

    public NanoUsd {
        if (nanos < 0) {
            throw new IllegalArgumentException("an amount of money must be >= 0");
        }
    }

    /**
     * The amount a decimal number of dollars names exactly; empty when it is negative, has more
     * than nine decimal places or does not fit.
     */
    public static Optional<NanoUsd> ofUsd(BigDecimal usd) {
        try {
            if (usd.signum() < 0) {
                return Optional.empty();
            }
            return Optional.of(new NanoUsd(usd.movePointRight(SCALE).longValueExact()));
        } catch (ArithmeticException inexact) {
            return Optional.empty();
        }
    }

    /**
     * In dollars, exactly: the {@code cost_usd} number. Never of negative scale, so that whole
     * amounts print as {@code 100}, not {@code 1E+2}.
     */
    public BigDecimal usd() {
        BigDecimal stripped = BigDecimal.valueOf(nanos, SCALE).stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    /** In dollars as a double, for gauges. */
    public double usdApproximately() {
        return nanos / 1e9;
    }

    /** The sum; saturates at the largest amount instead of wrapping. */
    public NanoUsd plus(NanoUsd other) {
        long sum = nanos + other.nanos;
        return new NanoUsd(sum < 0 ? Long.MAX_VALUE : sum);
    }

    @Override
    public int compareTo(NanoUsd other) {
        return Long.compare(nanos, other.nanos);
    }
}
