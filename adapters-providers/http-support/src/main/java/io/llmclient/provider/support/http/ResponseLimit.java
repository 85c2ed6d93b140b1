package io.llmclient.provider.support.http;

import io.llmclient.application.provider.ResponseBudget;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.failure.LlmFailure.Overloaded;
import io.llmclient.domain.failure.LlmFailure.ProviderFailed;
import io.llmclient.domain.failure.LlmFailureException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serial;
import java.util.Arrays;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The limits on upstream answers. One answer may send at most {@code LLM_MAX_RESPONSE_BYTES}: a
 * whole body read into memory, or everything a stream sends over its life; a provider (or
 * anything posing as one) that sends more is cut off with a permanent ProviderError naming the
 * limit, rather than filling the heap. And a whole body is buffered within the call's share of
 * the {@link ResponseBudget} all calls share ({@code LLM_RESPONSE_BUFFER_BYTES}): a body that does
 * not fit is refused with OverloadedError, since the same request may well fit a moment later.
 */
public final class ResponseLimit {
    private ResponseLimit() {
    }

    /** Thrown by a capped stream at the first byte past its limit. */
    public static final class Exceeded extends IOException {
        @Serial
        private static final long serialVersionUID = 1L;
        private final long limit;
        private final int status;

        Exceeded(long limit, int status) {
            super("upstream answer larger than " + limit + " bytes");
            this.limit = limit;
            this.status = status;
        }

        /** The limit that was passed. */
        public long limit() {
            return limit;
        }

        /** The HTTP status of the answer that was too large. */
        public int status() {
            return status;
        }
    }

    /** Thrown when the bytes of an answer do not fit in what the shared budget has left. */
    public static final class OverBudget extends IOException {
        @Serial
        private static final long serialVersionUID = 1L;
        private final long budget;

        OverBudget(long budget) {
            super("upstream answer does not fit in the shared budget of " + budget + " bytes");
            this.budget = budget;
        }

        /** The size of the shared budget. */
        public long budget() {
            return budget;
        }
    }

    /** {@code in}, failing with {@link Exceeded} once more than {@code limit} bytes have been read from it. */
    public static InputStream cap(InputStream in, long limit, int status) {
        return new Capped(in, limit, status);
    }

    /** The whole of {@code in}, at most {@code limit} bytes, counted in no shared budget; the caller closes it. */
    public static byte[] readAll(InputStream in, long limit, int status) throws IOException {
        try (var held = ResponseBudget.unlimited().open()) {
            return readAll(in, limit, status, OptionalLong.empty(), held);
        }
    }

    /**
     * The whole of {@code in}, at most {@code limit} bytes, held in {@code held}; the caller closes
     * {@code in}, and {@code held} when it is done with the body.
     *
     * <p>A body whose length is declared ({@code Content-Length}) is refused before any of it is
     * read when it is over the limit or does not fit in the budget, and is read into one array of
     * that size. A body of unknown length is counted read by read, so a call holds at most one read
     * buffer more than its share before it is refused.
     *
     * @throws Exceeded   the body is longer than {@code limit}
     * @throws OverBudget the body does not fit in what the shared budget has left
     */
    public static byte[] readAll(InputStream in, long limit, int status, OptionalLong declaredLength,
                                 ResponseBudget.Reservation held) throws IOException {
        if (declaredLength.isPresent() && declaredLength.getAsLong() <= limit
                && declaredLength.getAsLong() <= Integer.MAX_VALUE - 8L) {
            return readDeclared(in, (int) declaredLength.getAsLong(), held);
        }
        if (declaredLength.isPresent() && declaredLength.getAsLong() > limit) {
            throw new Exceeded(limit, status);
        }
        int wanted = (int) Math.min(Integer.MAX_VALUE - 8L, limit + 1);
        byte[] body = new Charged(in, held).readNBytes(wanted);
        if (body.length > limit) {
            throw new Exceeded(limit, status);
        }
        return body;
    }

    private static byte[] readDeclared(InputStream in, int length, ResponseBudget.Reservation held) throws IOException {
        if (!held.grow(length)) {
            throw new OverBudget(held.capacity());
        }
        byte[] body = new byte[length];
        int read = in.readNBytes(body, 0, length);
        return read == length ? body : Arrays.copyOf(body, read);
    }

    /** The failure a too-large answer is: permanent (the same request gets the same answer), with its status. */
    public static LlmFailureException failure(ProviderId provider, Exceeded exceeded) {
        return new LlmFailureException(new ProviderFailed(provider, OptionalInt.of(exceeded.status()),
                "upstream answer larger than " + exceeded.limit() + " bytes (LLM_MAX_RESPONSE_BYTES): cut off",
                false), exceeded);
    }

    /** The failure an answer over the shared budget is: OverloadedError, refused at once and never retried. */
    public static LlmFailureException failure(ProviderId provider, OverBudget overBudget) {
        return new LlmFailureException(new Overloaded(provider, new Overloaded.ResponseBuffer(overBudget.budget())),
                overBudget);
    }

    /** Takes each read's bytes from the reservation, failing with {@link OverBudget} when they do not fit. */
    private static final class Charged extends FilterInputStream {
        private final ResponseBudget.Reservation held;

        Charged(InputStream in, ResponseBudget.Reservation held) {
            super(in);
            this.held = held;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                charge(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                charge(n);
            }
            return n;
        }

        private void charge(long n) throws OverBudget {
            if (!held.grow(n)) {
                throw new OverBudget(held.capacity());
            }
        }
    }

    private static final class Capped extends FilterInputStream {
        private final long limit;
        private final int status;
        private long read;

        Capped(InputStream in, long limit, int status) {
            super(in);
            this.limit = limit;
            this.status = status;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count(skipped);
            return skipped;
        }

        private void count(long n) throws Exceeded {
            read += n;
            if (read > limit) {
                throw new Exceeded(limit, status);
            }
        }
    }
}
