package io.llmclient.inbound.support.context;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import io.llmclient.application.accounting.RequestTimer;
import java.time.Duration;

/**
 * The {@code X-Gateway-Overhead-Ms} response header: what the gateway itself added to a request
 * (time in the service minus time waiting on the provider), in milliseconds with microsecond
 * precision, so that users see what the gateway costs in production. On a stream it is the
 * overhead up to the first byte, since SSE has no trailers (docs/observability.md). The figure is
 * measured by the application ({@link RequestTimer}); this class only writes it, for every surface.
 *
 * <p>A JSON-RPC {@code llm.complete} prepares its request when it runs, timed on its own: its
 * provider wait reaches the endpoint's timer through a {@link ScopedValue} bound for the one
 * request the endpoint is answering. A batch's calls run on threads of their own, which do not
 * see the binding, so a batch carries no header.
 */
public final class GatewayOverhead {
    public static final String HEADER = "X-Gateway-Overhead-Ms";

    private static final HeaderName NAME = HeaderNames.create(HEADER);
    private static final ScopedValue<RequestTimer> CURRENT = ScopedValue.newInstance();

    private GatewayOverhead() {
    }

    /** Runs {@code body} with {@code request} collecting the provider waits its methods report. */
    public static void collecting(RequestTimer request, Runnable body) {
        ScopedValue.where(CURRENT, request).run(body);
    }

    /** Counts the provider waits of {@code call} in the request being answered; nothing when none is. */
    public static void providerWaited(RequestTimer call) {
        if (CURRENT.isBound()) {
            CURRENT.get().include(call);
        }
    }

    /** Sets the header on {@code res}, before its first byte goes out. */
    public static void write(ServerResponse res, Duration overhead) {
        res.header(NAME, millis(overhead));
    }

    /** The header value: milliseconds with three decimals, such as {@code 0.412}. */
    public static String millis(Duration overhead) {
        long micros = Math.max(0, overhead.toNanos() / 1_000);
        long fraction = micros % 1_000;
        return (micros / 1_000) + (fraction < 10 ? ".00" : fraction < 100 ? ".0" : ".") + fraction;
    }
}
