package io.llmclient.provider.support.http;

import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.failure.LlmFailure.ProviderFailed;
import io.llmclient.domain.failure.LlmFailureException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serial;
import java.util.OptionalInt;

/**
 * The cap on what one upstream answer may send ({@code LLM_MAX_RESPONSE_BYTES}): a whole body
 * read into memory, or everything a stream sends over its life. A provider (or anything posing
 * as one) that sends more is cut off with a permanent ProviderError naming the limit, rather
 * than filling the heap.
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

    /** {@code in}, failing with {@link Exceeded} once more than {@code limit} bytes have been read from it. */
    public static InputStream cap(InputStream in, long limit, int status) {
        return new Capped(in, limit, status);
    }

    /** The whole of {@code in}, at most {@code limit} bytes; the caller closes {@code in}. */
    public static byte[] readAll(InputStream in, long limit, int status) throws IOException {
        int wanted = (int) Math.min(Integer.MAX_VALUE - 8L, limit + 1);
        byte[] body = in.readNBytes(wanted);
        if (body.length > limit) {
            throw new Exceeded(limit, status);
        }
        return body;
    }

    /** The failure a too-large answer is: permanent (the same request gets the same answer), with its status. */
    public static LlmFailureException failure(ProviderId provider, Exceeded exceeded) {
        return new LlmFailureException(new ProviderFailed(provider, OptionalInt.of(exceeded.status()),
                "upstream answer larger than " + exceeded.limit() + " bytes (LLM_MAX_RESPONSE_BYTES): cut off",
                false), exceeded);
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
