package io.llmclient.inbound.support.admission;

import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.llmclient.inbound.support.body.ReadBody;
import io.llmclient.inbound.support.context.A2aHeaders;
import io.llmclient.inbound.support.limit.RequestReadDeadline;
import io.llmclient.inbound.support.refusal.Refusal;
import io.llmclient.inbound.support.refusal.SurfaceRefusals;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Reads every request body before the request goes on, so that a request takes an in-flight slot
 * only once its body is in (the in-flight filter comes after this one): clients trickling their
 * bodies cannot take every slot. The read is bounded by the inbound limit ({@code 413}), the body
 * budget ({@code 503}) and the request's read deadline ({@code 408}), each answered in the
 * surface's shape. The handlers take the body with {@link ReadBody#of}.
 *
 * <p>{@code /health}, {@code /ready} and {@code /metrics} are left alone: an operator must reach
 * them whatever callers do.
 */
public final class RequestBodyFilter implements Filter {
    private static final Set<String> OPERATOR_PATHS = Set.of("/health", "/ready", "/metrics");

    private final RequestBody requestBody;
    private final RequestReadDeadline deadline;
    private final SurfaceRefusals refusals;
    private final Refusal timedOut;

    public RequestBodyFilter(RequestBody requestBody, RequestReadDeadline deadline, SurfaceRefusals refusals) {
        this.requestBody = Objects.requireNonNull(requestBody, "requestBody");
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        this.refusals = Objects.requireNonNull(refusals, "refusals");
        this.timedOut = new Refusal.TimedOut(deadline.timeout());
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        RequestReadDeadline.Watch watch = deadline.ofCurrentRequest();
        String path = req.path().path();
        if (OPERATOR_PATHS.contains(path) || !req.content().hasEntity()) {
            disarm(watch);
            chain.proceed();
            return;
        }
        String traceId = A2aHeaders.traceId(req.headers());
        if (!watch.readingBody(() -> {
            if (!res.isSent()) {
                refusals.send(path, res, traceId, timedOut);
            }
        })) {
            throw deadlinePassed();
        }
        Optional<byte[]> body = requestBody.read(req, res, path, traceId);
        disarm(watch);
        if (body.isPresent()) {
            ReadBody.attach(req, body.get());
            chain.proceed();
        }
    }

    private static void disarm(RequestReadDeadline.Watch watch) {
        if (!watch.disarm()) {
            throw deadlinePassed();
        }
    }

    private static CloseConnectionException deadlinePassed() {
        return new CloseConnectionException("request not read within LLM_REQUEST_READ_TIMEOUT: connection closed");
    }
}
