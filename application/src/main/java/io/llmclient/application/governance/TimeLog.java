package io.llmclient.application.governance;

/**
 * A window's log: epoch milliseconds in the order they happened, each with an amount (1 for an
 * admission, the tokens of a call that ended), oldest first. A growable ring of primitive longs,
 * so that a busy key's window (a million admissions a minute) costs no object per request.
 * Not thread-safe: its slot's lock guards it.
 */
final class TimeLog {
    private long[] times = new long[16];
    private long[] amounts = new long[16];
    private int head;
    private int size;
    private long sum;

    void add(long millis, long amount) {
        if (size == times.length) {
            grow();
        }
        int tail = (head + size) % times.length;
        times[tail] = millis;
        amounts[tail] = amount;
        size++;
        sum += amount;
    }

    /** Drops the entries at or before {@code cutoff}. */
    void dropUpTo(long cutoff) {
        while (size > 0 && times[head] <= cutoff) {
            sum -= amounts[head];
            head = (head + 1) % times.length;
            size--;
        }
    }

    int size() {
        return size;
    }

    /** The sum of the amounts logged. */
    long sum() {
        return sum;
    }

    /** The time of the {@code index}-th oldest entry. */
    long timeAt(int index) {
        return times[(head + index) % times.length];
    }

    /** The amount of the {@code index}-th oldest entry. */
    long amountAt(int index) {
        return amounts[(head + index) % times.length];
    }

    /** The newest entry's time; only when not empty. */
    long newest() {
        return timeAt(size - 1);
    }

    private void grow() {
        var biggerTimes = new long[times.length * 2];
        var biggerAmounts = new long[times.length * 2];
        for (int i = 0; i < size; i++) {
            biggerTimes[i] = timeAt(i);
            biggerAmounts[i] = amountAt(i);
        }
        times = biggerTimes;
        amounts = biggerAmounts;
        head = 0;
    }
}
