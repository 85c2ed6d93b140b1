package io.llmclient.inbound.support.context;

import java.time.Duration;

/**
 * The {@code X-Gateway-Overhead-Ms} response header: what the gateway itself added to a request
 * (time in the service minus time waiting on the provider), in milliseconds with microsecond
 * precision, so that users see what the gateway costs in production. On a stream it is the
 * overhead up to the first byte, since SSE has no trailers (docs/observability.md).
 *
 * <p>The JSON-RPC method of {@code llm.complete} knows the provider wait, the endpoint writes
 * the header: the wait is passed between them through a {@link ScopedValue} bound for the one
 * request the endpoint is answering. A batch's calls run on threads of their own, which do not
 * see the binding, so a batch carries no header.
 */
public final class GatewayOverhead {
    public static final String HEADER = "X-Gateway-Overhead-Ms";

    private static final ScopedValue<Waits> CURRENT = ScopedValue.newInstance();

    private GatewayOverhead() {
    }

    /** The provider waits of one request, as its methods report them. */
    public static final class Waits {
        private long nanos;

        /** The nanoseconds reported so far. */
        public long nanos() {
            return nanos;
        }
    }

    /** Runs {@code body} with {@code waits} collecting the provider waits its methods report. */
    public static void collecting(Waits waits, Runnable body) {
        ScopedValue.where(CURRENT, waits).run(body);
    }

    /** Reports a provider wait of the request being answered; nothing when none is being collected. */
    public static void providerWaited(long nanos) {
        if (CURRENT.isBound()) {
            CURRENT.get().nanos += nanos;
        }
    }

    /** The header value: milliseconds with three decimals, such as {@code 0.412}. */
    public static String millis(Duration overhead) {
        long micros = Math.max(0, overhead.toNanos() / 1_000);
        long fraction = micros % 1_000;
        return (micros / 1_000) + (fraction < 10 ? ".00" : fraction < 100 ? ".0" : ".") + fraction;
    }
}
