package io.llmclient.domain.money;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * How often a budget starts again, always at 00:00 UTC (contract section 10): every day, every
 * Monday, on the 1st of every month, or never ({@code total}).
 */
public enum BudgetPeriod {
    DAILY, WEEKLY, MONTHLY, TOTAL;

    /** The name in configuration and in {@code data.period}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The period named, if it is one of the four. */
    public static Optional<BudgetPeriod> fromWire(String name) {
        return Arrays.stream(values()).filter(period -> period.wireName().equals(name)).findFirst();
    }

    /** When the period that holds {@code now} began; {@link Instant#EPOCH} for {@code total}. */
    public Instant start(Instant now) {
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        LocalDate first = switch (this) {
            case DAILY -> day;
            case WEEKLY -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case MONTHLY -> day.withDayOfMonth(1);
            case TOTAL -> LocalDate.EPOCH;
        };
        return first.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** When the period that holds {@code now} ends and spend starts from zero; empty for {@code total}. */
    public Optional<Instant> resetsAt(Instant now) {
        LocalDate start = LocalDate.ofInstant(start(now), ZoneOffset.UTC);
        return Optional.ofNullable(switch (this) {
            case DAILY -> start.plusDays(1);
            case WEEKLY -> start.plusWeeks(1);
            case MONTHLY -> start.plusMonths(1);
            case TOTAL -> null;
        }).map(next -> next.atStartOfDay(ZoneOffset.UTC).toInstant());
    }

    /**
     * A name for the period that holds {@code now}, the same on every replica (such as
     * {@code daily:2026-12-06}); spend is kept per principal and period name.
     */
    public String periodName(Instant now) {
        // Kept as text for stores that key spend by name (Redis); index() is the same, as a number.
        return this == TOTAL ? "total" : wireName() + ":" + LocalDate.ofInstant(start(now), ZoneOffset.UTC);
    }

    /**
     * The number of the period that holds {@code epochMillis}: days since 1970-01-01 (daily),
     * Monday-based weeks since then (weekly), months since January 1970 (monthly), 0 (total).
     * Equal numbers mean the same period; cheaper than {@link #periodName} on every request.
     */
    public long index(long epochMillis) {
        long day = Math.floorDiv(epochMillis, 86_400_000L);
        return switch (this) {
            case DAILY -> day;
            // 1970-01-01 was a Thursday: the Monday before it is day -3.
            case WEEKLY -> Math.floorDiv(day + 3, 7);
            case MONTHLY -> {
                LocalDate date = LocalDate.ofEpochDay(day);
                yield (date.getYear() - 1970L) * 12 + date.getMonthValue() - 1;
            }
            case TOTAL -> 0;
        };
    }
}
