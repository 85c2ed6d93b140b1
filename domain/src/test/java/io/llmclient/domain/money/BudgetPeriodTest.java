package io.llmclient.domain.money;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BudgetPeriodTest {

    private static Instant at(String iso) {
        return Instant.parse(iso);
    }

    @Nested
    class Daily {

        @Test
        void startsAtMidnightUtcAndResetsAtTheNext() {
            Instant now = at("2026-03-10T17:45:12.345Z");
            assertEquals(at("2026-03-10T00:00:00Z"), BudgetPeriod.DAILY.start(now));
            assertEquals(Optional.of(at("2026-03-11T00:00:00Z")), BudgetPeriod.DAILY.resetsAt(now));
            assertEquals("daily:2026-03-10", BudgetPeriod.DAILY.periodName(now));
        }

        @Test
        void midnightItselfBelongsToTheNewDay() {
            Instant midnight = at("2026-03-11T00:00:00Z");
            assertEquals(midnight, BudgetPeriod.DAILY.start(midnight));
            assertEquals(Optional.of(at("2026-03-12T00:00:00Z")), BudgetPeriod.DAILY.resetsAt(midnight));
            assertEquals("daily:2026-03-10", BudgetPeriod.DAILY.periodName(midnight.minusNanos(1)));
            assertEquals("daily:2026-03-11", BudgetPeriod.DAILY.periodName(midnight));
        }

        @Test
        void theLastDayOfTheYearResetsOnNewYear() {
            Instant now = at("2026-12-31T23:59:59Z");
            assertEquals(Optional.of(at("2027-01-01T00:00:00Z")), BudgetPeriod.DAILY.resetsAt(now));
        }
    }

    @Nested
    class Weekly {

        @Test
        void startsOnTheMondayBeforeAndResetsOnTheNext() {
            // 2026-03-12 is a Thursday.
            Instant now = at("2026-03-12T09:00:00Z");
            assertEquals(at("2026-03-09T00:00:00Z"), BudgetPeriod.WEEKLY.start(now));
            assertEquals(Optional.of(at("2026-03-16T00:00:00Z")), BudgetPeriod.WEEKLY.resetsAt(now));
            assertEquals("weekly:2026-03-09", BudgetPeriod.WEEKLY.periodName(now));
        }

        @Test
        void aMondayStartsItsOwnWeek() {
            Instant monday = at("2026-03-16T00:00:00Z");
            assertEquals(monday, BudgetPeriod.WEEKLY.start(monday));
            assertEquals(monday, BudgetPeriod.WEEKLY.start(at("2026-03-16T23:59:59Z")));
            assertEquals(Optional.of(at("2026-03-23T00:00:00Z")), BudgetPeriod.WEEKLY.resetsAt(monday));
        }

        @Test
        void aSundayNightIsStillThePreviousWeek() {
            Instant sunday = at("2026-03-15T23:59:59.999Z");
            assertEquals(at("2026-03-09T00:00:00Z"), BudgetPeriod.WEEKLY.start(sunday));
            assertEquals(Optional.of(at("2026-03-16T00:00:00Z")), BudgetPeriod.WEEKLY.resetsAt(sunday));
        }

        @Test
        void aWeekSpanningTheYearEnd() {
            // 2026-12-28 is a Monday; 2027-01-02 a Saturday.
            Instant now = at("2027-01-02T12:00:00Z");
            assertEquals(at("2026-12-28T00:00:00Z"), BudgetPeriod.WEEKLY.start(now));
            assertEquals(Optional.of(at("2027-01-04T00:00:00Z")), BudgetPeriod.WEEKLY.resetsAt(now));
            assertEquals("weekly:2026-12-28", BudgetPeriod.WEEKLY.periodName(now));
        }
    }

    @Nested
    class Monthly {

        @Test
        void startsOnTheFirstAndResetsOnTheNextFirst() {
            Instant now = at("2026-02-28T23:00:00Z");
            assertEquals(at("2026-02-01T00:00:00Z"), BudgetPeriod.MONTHLY.start(now));
            assertEquals(Optional.of(at("2026-03-01T00:00:00Z")), BudgetPeriod.MONTHLY.resetsAt(now));
            assertEquals("monthly:2026-02-01", BudgetPeriod.MONTHLY.periodName(now));
        }

        @Test
        void theFirstItselfStartsTheMonth() {
            Instant first = at("2026-03-01T00:00:00Z");
            assertEquals(first, BudgetPeriod.MONTHLY.start(first));
            assertEquals(Optional.of(at("2026-04-01T00:00:00Z")), BudgetPeriod.MONTHLY.resetsAt(first));
        }

        @Test
        void decemberResetsOnTheFirstOfJanuary() {
            Instant now = at("2026-12-31T23:59:59Z");
            assertEquals(at("2026-12-01T00:00:00Z"), BudgetPeriod.MONTHLY.start(now));
            assertEquals(Optional.of(at("2027-01-01T00:00:00Z")), BudgetPeriod.MONTHLY.resetsAt(now));
        }
    }

    @Nested
    class Total {

        @Test
        void neverResets() {
            Instant now = at("2026-12-31T23:59:59Z");
            assertEquals(Instant.EPOCH, BudgetPeriod.TOTAL.start(now));
            assertEquals(Optional.empty(), BudgetPeriod.TOTAL.resetsAt(now));
            assertEquals("total", BudgetPeriod.TOTAL.periodName(now));
            assertEquals("total", BudgetPeriod.TOTAL.periodName(at("2030-01-01T00:00:00Z")));
        }
    }

    @Test
    void wireNamesAreTheFourAndNothingElse() {
        assertEquals(Optional.of(BudgetPeriod.DAILY), BudgetPeriod.fromWire("daily"));
        assertEquals(Optional.of(BudgetPeriod.WEEKLY), BudgetPeriod.fromWire("weekly"));
        assertEquals(Optional.of(BudgetPeriod.MONTHLY), BudgetPeriod.fromWire("monthly"));
        assertEquals(Optional.of(BudgetPeriod.TOTAL), BudgetPeriod.fromWire("total"));
        assertEquals(Optional.empty(), BudgetPeriod.fromWire("Daily"));
        assertEquals(Optional.empty(), BudgetPeriod.fromWire("yearly"));
    }

    @ParameterizedTest
    @CsvSource({
            "DAILY,   2026-12-06T23:59:59.999Z, 2026-12-07T00:00:00Z",
            "WEEKLY,  2026-12-06T23:59:59.999Z, 2026-12-07T00:00:00Z",
            "MONTHLY, 2026-11-30T23:59:59.999Z, 2026-12-01T00:00:00Z",
            "MONTHLY, 2026-12-31T23:59:59.999Z, 2027-01-01T00:00:00Z",
            "WEEKLY,  1969-12-28T23:59:59.999Z, 1969-12-29T00:00:00Z"})
    void aPeriodsNumberChangesExactlyWhenItStartsAgain(BudgetPeriod period, String lastMoment, String nextStart) {
        long last = Instant.parse(lastMoment).toEpochMilli();
        long next = Instant.parse(nextStart).toEpochMilli();
        assertEquals(period.index(period.start(Instant.ofEpochMilli(last)).toEpochMilli()),
                period.index(last), "the start and the last moment of a period are one period");
        assertEquals(period.index(last) + 1, period.index(next), "the next period is the next number");
        assertEquals(period.start(Instant.ofEpochMilli(next)).toEpochMilli(), next);
    }

    @Test
    void aTotalBudgetHasOnePeriod() {
        assertEquals(0, BudgetPeriod.TOTAL.index(0));
        assertEquals(0, BudgetPeriod.TOTAL.index(Instant.parse("2099-01-01T00:00:00Z").toEpochMilli()));
    }
}
