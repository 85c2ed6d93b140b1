package io.llmclient.inbound.support.body;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads a request body without ever holding more than the limit plus one byte. A declared
 * {@code Content-Length} over the limit is refused before a single byte is read; a body of
 * unknown length (chunked) is read until it ends or passes the limit, whichever comes first.
 */
public final class BoundedBody {
    private static final int CHUNK = 8192;

    private BoundedBody() {
    }

    /** What reading found: the whole body, or that it is over the limit. */
    public sealed interface Outcome {
        /** The whole body, at most the limit long. */
        record Read(byte[] bytes) implements Outcome {
        }

        /**
         * The body is larger than the limit; the rest of it was left unread. {@code rest} is the
         * half-read stream when reading had begun (a body of unknown length), else empty.
         */
        record TooLarge(Optional<InputStream> rest) implements Outcome {
            public TooLarge {
                Objects.requireNonNull(rest, "rest");
            }
        }

        /** The bodies being read already hold the whole {@link BodyBudget}; the rest was left unread. */
        record OverBudget() implements Outcome {
        }
    }

    /**
     * Decides from the declared length when there is one, else reads at most {@code limit + 1}
     * bytes. The stream is opened only when needed, so a refused body is never touched. What is
     * held is taken from {@code share} first: a declared length at once, a body of unknown length
     * as it arrives.
     */
    public static Outcome read(OptionalLong declaredLength, StreamSource body, long limit, BodyBudget.Share share)
            throws IOException {
        if (declaredLength.isPresent() && declaredLength.getAsLong() > limit) {
            return new Outcome.TooLarge(Optional.empty());
        }
        if (declaredLength.isPresent() && declaredLength.getAsLong() == 0) {
            return new Outcome.Read(new byte[0]);
        }
        if (declaredLength.isPresent() && !share.grow(declaredLength.getAsLong())) {
            return new Outcome.OverBudget();
        }
        if (declaredLength.isPresent()) {
            return readDeclared(body.open(), (int) declaredLength.getAsLong());
        }
        // Not closed when too large: closing an entity stream may drain the rest of the body, which is
        // the caller's decision (see discard).
        InputStream in = body.open();
        var out = new ByteArrayOutputStream();
        byte[] buffer = new byte[CHUNK];
        long total = 0;
        while (true) {
            int wanted = (int) Math.min(buffer.length, limit + 1 - total);
            int n = in.read(buffer, 0, wanted);
            if (n < 0) {
                in.close();
                return new Outcome.Read(out.toByteArray());
            }
            total += n;
            if (total > limit) {
                return new Outcome.TooLarge(Optional.of(in));
            }
            if (!share.grow(n)) {
                return new Outcome.OverBudget();
            }
            out.write(buffer, 0, n);
        }
    }

    // A declared length (at most the limit, already taken from the share) is read into one array of
    // that size: no copy buffer, no growing. The server ends the stream at the declared length, so a
    // shorter body is one whose client stopped sending: what came is returned, as for an unknown length.
    private static Outcome readDeclared(InputStream in, int length) throws IOException {
        byte[] bytes = new byte[length];
        int read = in.readNBytes(bytes, 0, length);
        in.close();
        return new Outcome.Read(read == length ? bytes : Arrays.copyOf(bytes, read));
    }

    /**
     * Reads and throws away at most {@code max} more bytes. Used after a 413
     * has been sent, so that a client still writing its body gets to read the answer.
     */
    public static void discard(InputStream rest, long max) throws IOException {
        byte[] buffer = new byte[CHUNK];
        long left = max;
        while (left > 0) {
            int n = rest.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                break;
            }
            left -= n;
        }
    }

    /** Opens the body stream on demand. */
    @FunctionalInterface
    public interface StreamSource {
        InputStream open() throws IOException;
    }
}
